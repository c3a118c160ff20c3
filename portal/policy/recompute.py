"""Recomputing stored deadlines when the calendar they were computed on changes."""

from __future__ import annotations

from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from portal.database import DbSession
from portal.models import Milestone, Tenant, Ticket
from portal.policy.calendars import tenant_calendar
from portal.policy.engine import recompute_due
from portal.tenancy import ALL_TENANTS, tenant_scope


def recompute_provisional(session: DbSession) -> int:
    """Recompute every unmet provisional milestone of every tenant; return how many.

    Called after a year's official schedule is imported. Milestones still reaching into
    an unpublished year stay provisional.
    """
    with tenant_scope(session, ALL_TENANTS):
        rows = session.execute(
            select(Milestone, Ticket.requested_due_at, Ticket.tenant_id)
            .join(Ticket, Milestone.ticket_id == Ticket.id)
            .where(Milestone.provisional.is_(True), Milestone.met_at.is_(None))
            .order_by(Ticket.tenant_id)
        ).all()
        tenants = {t.id: t for t in session.scalars(select(Tenant))}
        touched: set[int] = set()
        for tenant_id, group in groupby(rows, key=lambda row: row[2]):
            tenant = tenants[tenant_id]
            zone = ZoneInfo(tenant.timezone)
            for milestone, requested_due_at, _ in group:
                if not milestone.rule:
                    continue
                calendar = tenant_calendar(
                    session, tenant, milestone.started_at.astimezone(zone).date()
                )
                # The rule, every pause and every granted extension, as on the desk.
                milestone.due_at, milestone.provisional = recompute_due(
                    milestone, calendar, requested_due_at
                )
                touched.add(milestone.ticket_id)
        session.flush()
        refresh_next_due(session, touched)
    return len(rows)


def refresh_next_due(session: DbSession, ticket_ids: set[int]) -> None:
    """Set each ticket's denormalised nearest unmet due time from its milestones."""
    nearest = (
        select(func.min(Milestone.due_at))
        .where(Milestone.ticket_id == Ticket.id, Milestone.met_at.is_(None))
        .scalar_subquery()
    )
    session.execute(
        update(Ticket)
        .where(Ticket.id.in_(ticket_ids))
        .values(next_due_at=nearest)
        .execution_options(synchronize_session="fetch")
    )
