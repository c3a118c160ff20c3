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

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

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
    # Each ticket's group, read once: every statement below then touches its own
    # members only, and a group moved up one level cannot meet another group's tickets.
    groups: dict[tuple[int | None, str | None, int], list[int]] = defaultdict(list)
    for ticket_id, version_id, tier, level in session.execute(
        select(Ticket.id, Ticket.policy_version_id, Ticket.tier, Ticket.escalation_level).where(
            among(session, Ticket.id, ticket_ids), Ticket.policy_version_id.is_not(None)
        )
    ):
        groups[version_id, tier, level].append(ticket_id)
    # Versions are immutable: their documents and their tenant's language in one query
    # rather than one per group.
    settings = {
        version_id: (document, locale)
        for version_id, document, locale in session.execute(
            select(PolicyVersion.id, PolicyVersion.document, Tenant.locale)
            .join(Tenant, Tenant.id == PolicyVersion.tenant_id)
            .where(PolicyVersion.id.in_({group[0] for group in groups}))
        )
    }
    events: list[int] = []
    for (version_id, tier, level), ids in groups.items():
        document, locale = settings[version_id]
        if level >= ceiling(document, tier):
            continue
        step = document["escalation_chain"][level]
        members = among(session, Ticket.id, ids)
        with force_locale(locale):
            reason = _("A deadline was breached: escalated by the periodic review.")
        data = {"reason": reason, "level": step["key"], "trigger": "breach"}
        data.update({k: step[k] for k in ("department", "role") if step.get(k)})
        events += insert_events(
            session, select(Ticket).where(members), ESCALATION, now, as_json(data)
        )
        changes: dict[str, Any] = {
            "escalation_level": level + 1,
            "breached": True,
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
