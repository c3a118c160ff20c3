"""Lifecycle actions through the API: the workflow's own actions, on behalf of a named
staff member (see :mod:`portal.api.actors`), with optimistic locking."""

from __future__ import annotations

from typing import Any

from flask import g
from pydantic import BaseModel
from sqlalchemy import select

from portal.api.actors import staff_member
from portal.api.errors import invalid
from portal.api.routing import Answer
from portal.api.schemas import ActionHeaders, AssignAction
from portal.api.tickets import find_ticket, get_ticket
from portal.extensions import db
from portal.models import Department, utcnow
from portal.plugins import sectors
from portal.workflow.perform import perform


def _expected_version(body: BaseModel, headers: ActionHeaders) -> int | None:
    in_body: int | None = getattr(body, "version", None)
    in_header = headers.expected_version
    if in_body is not None and in_header is not None and in_body != in_header:
        raise invalid({"version": "differs from the If-Match header"})
    return in_body if in_body is not None else in_header


def _assignment(body: AssignAction) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if body.department is not None:
        department_id = db.session.scalar(
            select(Department.id).where(Department.code == body.department)
        )
        if department_id is None:
            raise invalid({"department": "no department has this code here"})
        payload["department_id"] = department_id
    if body.assignee is not None:
        payload["assignee_id"] = staff_member(body.assignee, field="assignee").id
    return payload


def act(number: str, body: BaseModel, headers: ActionHeaders, *, action: str) -> Answer:
    ticket = find_ticket(number)
    actor = staff_member(headers.actor)
    expected = _expected_version(body, headers)
    if isinstance(body, AssignAction):
        payload = _assignment(body)
    else:
        payload = body.model_dump(exclude={"version"})
    perform(
        db.session,
        sectors(),
        g.tenant,
        ticket,
        action,
        actor,
        payload,
        now=utcnow(),
        expected_version=expected,
    )
    db.session.commit()
    return get_ticket(number)
