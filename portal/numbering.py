"""Ticket numbers: ``PREFIX-YYYYMM-NNNNNN`` per tenant (seed 003: year-month-serial).

The serial comes from one counter row per tenant and month, bumped with a single
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: concurrent creations queue on that
row (PostgreSQL) or on the database lock (SQLite) and never get the same number.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.database import DbSession, upsert
from portal.models import Tenant, TicketCounter


def next_ticket_number(session: DbSession, tenant: Tenant, at: datetime) -> str:
    """Reserve the next number of ``tenant`` for a ticket created ``at``.

    The month is the tenant's local month: a complaint at 00:30 on 1 October in
    Beijing belongs to October even though it is still September in UTC.
    """
    return reserve_ticket_numbers(session, tenant, at, 1)[0]


def reserve_ticket_numbers(
    session: DbSession, tenant: Tenant, at: datetime, count: int
) -> list[str]:
    """Reserve ``count`` consecutive numbers of ``tenant`` for tickets created ``at``
    with one bump of the counter (the import numbers a whole file at once)."""
    period = at.astimezone(ZoneInfo(tenant.timezone)).strftime("%Y%m")
    table = TicketCounter.__table__
    stmt = (
        upsert(session, table)
        .values(tenant_id=tenant.id, period=period, value=count)
        .on_conflict_do_update(
            index_elements=[table.c.tenant_id, table.c.period],
            set_={"value": table.c.value + count},
        )
        .returning(table.c.value)
    )
    last = session.execute(stmt).scalar_one()
    return [
        f"{tenant.ticket_prefix}-{period}-{serial:06d}"
        for serial in range(last - count + 1, last + 1)
    ]
