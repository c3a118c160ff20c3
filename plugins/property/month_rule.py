"""seed 002 §2 major (3): a valid complaint not reasonably solved within a month is a
major complaint.

The policy watches the month with the ``solve_within_month`` milestone (its breach
escalates, through the core's review); this daily job then re-tiers the ticket to
major, with one ``reclassify`` event saying why. Its milestones are not replanned: the
major tier's deadlines, counted from the ticket's creation, would all be long past, and
the breach already put the ticket in front of the escalation chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update

from plugins.property.policy import MAJOR
from portal.database import DbSession
from portal.hookspecs import SectorJob
from portal.jobs.sql import insert_events, json_row, lock_tenant
from portal.models import Milestone, Tenant, Ticket
from portal.workflow.intake import reasons_locale
from portal.workflow.states import FINISHED

JOB = "month_rule"
MILESTONE = "solve_within_month"
_REASON = {
    "zh": "有效投诉一个月内未合理解决，升为重大投诉（物业投诉管理办法 二、2、重大(3)）",
    "en": "A valid complaint not solved within a month becomes major (seed 002 §2).",
}


def _unsolved(tenant_id: int) -> Any:
    month_breached = exists().where(
        Milestone.ticket_id == Ticket.id,
        Milestone.name == MILESTONE,
        Milestone.breached_at.is_not(None),
        Milestone.met_at.is_(None),
    )
    return select(Ticket).where(
        Ticket.tenant_id == tenant_id,
        Ticket.kind == "complaint",
        Ticket.validity == "valid",
        Ticket.status.not_in(list(FINISHED)),
        Ticket.tier != MAJOR,
        month_breached,
    )


def retier_unsolved(session: DbSession, tenant_ids: list[int], now: datetime) -> dict[str, int]:
    """The job's body: per tenant, one INSERT ... SELECT of events and one UPDATE, in
    one transaction under the tenant's lock; a rerun finds nothing left to do."""
    moved = 0
    for tenant_id in tenant_ids:
        if lock_tenant(session, f"property.{JOB}", tenant_id):
            tenant = session.get(Tenant, tenant_id)
            assert tenant is not None
            reason = _REASON[reasons_locale(tenant)]
            data = json_row(tier_before=Ticket.tier, tier_after=MAJOR, reason=reason)
            ids = insert_events(session, _unsolved(tenant_id), "reclassify", now, data)
            if ids:
                session.execute(
                    update(Ticket)
                    .where(Ticket.id.in_(_unsolved(tenant_id).with_only_columns(Ticket.id)))
                    .values(tier=MAJOR, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            moved += len(ids)
        session.commit()
    return {"tickets_made_major": moved}


MONTH_RULE = SectorJob(key=JOB, interval_seconds=3600, body=retier_unsolved)
