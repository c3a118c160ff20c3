"""Escalation on breach: one step up the ticket's escalation chain, as set-based SQL.

A ticket whose milestone the review marked breached climbs one level of the chain of
its own policy version, and never above its tier's ``escalation_target`` (the level a
breach of that tier reaches; the top of the chain when the tier names none). The
level's department, if it names one that exists, takes the ticket, and the assignee
is cleared when the level names a department or a role, as the manual ``escalate``
action does. The ticket's status is left alone: the work goes on, at a higher level.

Tickets differ only in their version, tier and current level as far as the step is
concerned, so one UPDATE and one INSERT ... SELECT serve each such group.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, select, update

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


def _same(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def escalate_breached(session: DbSession, ticket_ids: Collection[int], now: datetime) -> list[int]:
    """Escalate the given tickets one step each; the ids of the events written."""
    claimed = among(session, Ticket.id, ticket_ids)
    groups = session.execute(
        select(Ticket.tenant_id, Ticket.policy_version_id, Ticket.tier, Ticket.escalation_level)
        .where(claimed, Ticket.policy_version_id.is_not(None))
        .distinct()
        # Highest level first: a group moved up one level must not be met again by the
        # group of the level it moved to.
        .order_by(Ticket.escalation_level.desc())
    ).all()
    events: list[int] = []
    for tenant_id, version_id, tier, level in groups:
        version = session.get(PolicyVersion, version_id)
        assert version is not None
        document = version.document
        if level >= ceiling(document, tier):
            continue
        step = document["escalation_chain"][level]
        members = and_(
            claimed,
            Ticket.policy_version_id == version_id,
            _same(Ticket.tier, tier),
            Ticket.escalation_level == level,
        )
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        with force_locale(tenant.locale):
            reason = _("A deadline was breached: escalated by the periodic review.")
        data = {"reason": reason, "level": step["key"], "trigger": "breach"}
        data.update({k: step[k] for k in ("department", "role") if step.get(k)})
        events += insert_events(
            session, select(Ticket).where(members), ESCALATION, now, as_json(data)
        )
        changes: dict[str, Any] = {
            "escalation_level": level + 1,
            "updated_at": now,
            # Someone working from a copy of the ticket from before must reload it.
            "version": Ticket.version + 1,
        }
        if step.get("department"):
            department = (
                select(Department.id)
                .where(
                    Department.tenant_id == Ticket.tenant_id, Department.code == step["department"]
                )
                .scalar_subquery()
            )
            changes["department_id"] = func.coalesce(department, Ticket.department_id)
        if step.get("department") or step.get("role"):
            changes["assignee_id"] = None
        session.execute(
            update(Ticket)
            .where(members)
            .values(changes)
            .execution_options(synchronize_session=False)
        )
    return events
