"""Escalation on breach: one step up the ticket's escalation chain, as set-based SQL.

A ticket whose milestone the review marked breached climbs one level of the chain of
its own policy version, and never above its tier's ``escalation_target`` (the level a
breach of that tier reaches; the top of the chain when the tier names none). The
level's department, if it names one that exists, takes the ticket, and the assignee
is cleared when the level names a department or a role, as the manual ``escalate``
action does. The ticket's status is left alone: the work goes on, at a higher level.

The step a ticket takes depends only on its version and its current level, both its
own columns, so one UPDATE and one INSERT ... SELECT serve a whole batch: each step's
values are a branch of a CASE on those two columns.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, case, func, literal, null, or_, select, update

from portal.database import DbSession, among
from portal.jobs.sql import as_json, insert_events
from portal.models import Department, PolicyVersion, Tenant, Ticket

#: The event an escalation writes: the manual action's, so reports count both.
ESCALATION = "escalate"


def ceiling(document: dict[str, Any], tier: str | None) -> int:
    """The highest escalation level a breach of ``tier`` reaches."""
    chain = [level["key"] for level in document.get("escalation_chain", [])]
    target = next((t.get("escalation_target") for t in document["tiers"] if t["key"] == tier), None)
    return chain.index(target) + 1 if target in chain else len(chain)


def escalate_breached(session: DbSession, ticket_ids: Collection[int], now: datetime) -> list[int]:
    """Escalate the given tickets one step each and flag them breached; the ids of the
    events written. The flag is set by the escalation's own UPDATE: each UPDATE of a
    ticket writes a new row version and an entry in every index of ``tickets``, which
    is most of the review's time (bench B2)."""
    rows = session.execute(
        select(Ticket.id, Ticket.policy_version_id, Ticket.tier, Ticket.escalation_level).where(
            among(session, Ticket.id, ticket_ids), Ticket.policy_version_id.is_not(None)
        )
    ).all()
    # Versions are immutable: their documents and their tenant's language in one query.
    settings = {
        version_id: (document, locale)
        for version_id, document, locale in session.execute(
            select(PolicyVersion.id, PolicyVersion.document, Tenant.locale)
            .join(Tenant, Tenant.id == PolicyVersion.tenant_id)
            .where(PolicyVersion.id.in_({row.policy_version_id for row in rows}))
        )
    }
    climbing: list[int] = []
    steps: dict[tuple[int, int], dict[str, Any]] = {}
    for ticket_id, version_id, tier, level in rows:
        assert version_id is not None  # selected above
        document, _locale = settings[version_id]
        if level < ceiling(document, tier):
            climbing.append(ticket_id)
            steps.setdefault((version_id, level), document["escalation_chain"][level])
    if not climbing:
        return []
    members = among(session, Ticket.id, climbing)
    events = insert_events(
        session,
        select(Ticket).where(members),
        ESCALATION,
        now,
        _by_step(
            {key: as_json(_event_data(step, settings[key[0]][1])) for key, step in steps.items()}
        ),
    )
    changes: dict[str, Any] = {
        "escalation_level": Ticket.escalation_level + 1,
        "breached": True,
        "updated_at": now,
        # Someone working from a copy of the ticket from before must reload it.
        "version": Ticket.version + 1,
    }
    departments = {key: step["department"] for key, step in steps.items() if step.get("department")}
    if departments:
        code = _by_step({key: literal(value, String) for key, value in departments.items()})
        department = (
            select(Department.id)
            .where(Department.tenant_id == Ticket.tenant_id, Department.code == code)
            .scalar_subquery()
        )
        changes["department_id"] = func.coalesce(department, Ticket.department_id)
    handed_on = [key for key, step in steps.items() if step.get("department") or step.get("role")]
    if handed_on:
        changes["assignee_id"] = case(
            (or_(*(_at_step(key) for key in handed_on)), null()), else_=Ticket.assignee_id
        )
    session.execute(
        update(Ticket).where(members).values(changes).execution_options(synchronize_session=False)
    )
    return events


def _event_data(step: dict[str, Any], locale: str) -> dict[str, Any]:
    with force_locale(locale):
        reason = _("A deadline was breached: escalated by the periodic review.")
    data = {"reason": reason, "level": step["key"], "trigger": "breach"}
    data.update({k: step[k] for k in ("department", "role") if step.get(k)})
    return data


def _at_step(key: tuple[int, int]) -> ColumnElement[bool]:
    version_id, level = key
    return (Ticket.policy_version_id == version_id) & (Ticket.escalation_level == level)


def _by_step(values: dict[tuple[int, int], ColumnElement[Any]]) -> ColumnElement[Any]:
    """Per ticket, the value of the step it takes (NULL for a ticket not climbing)."""
    return case(*((_at_step(key), value) for key, value in values.items()))
