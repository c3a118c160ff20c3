"""How many tickets a period received, in total and by each dimension, and per day."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from portal.database import DbSession
from portal.models import Department, Ticket
from portal.reports.periods import Period
from portal.reports.sql import (
    UNSET,
    count_by,
    count_by_each,
    parse_quarter_hour,
    quarter_hour,
    ratio,
    received,
)
from portal.workflow.intake import COMPLAINT_KINDS

#: The dimensions reports break volumes down by: name -> ticket column.
DIMENSIONS = {
    "kind": Ticket.kind,
    "channel": Ticket.channel,
    "channel_level": Ticket.channel_level,
    "tier": Ticket.tier,
    "category": Ticket.category,
}
TOP_CAUSES = 10


def totals(session: DbSession, tenant_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """The headline counts of the tickets received in [start, end), in one query."""
    complaint = Ticket.kind.in_(COMPLAINT_KINDS)
    row = session.execute(
        select(
            func.count(),
            func.count().filter(complaint),
            func.count().filter(Ticket.validity == "valid"),
            func.count().filter(Ticket.validity == "invalid"),
            func.count().filter(Ticket.related_ticket_id.is_not(None)),
            func.count().filter(Ticket.breached.is_(True)),
            func.count().filter(Ticket.closed_at.is_not(None)),
        ).where(*received(tenant_id, start, end))
    ).one()
    tickets, complaints, valid, invalid, repeats, breached, closed = (int(n) for n in row)
    return {
        "tickets": tickets,
        "complaints": complaints,
        "valid": valid,
        "invalid": invalid,
        "validity_ratio": ratio(valid, tickets),
        "repeats": repeats,
        "breached_tickets": breached,
        "closed": closed,
    }


def breakdowns(
    session: DbSession, tenant_id: int, start: datetime, end: datetime
) -> dict[str, dict[str, int]]:
    """Counts by kind, channel, channel level, tier, category and department (by its
    code, which survives a renaming)."""
    where = received(tenant_id, start, end)
    by = count_by_each(session, {**DIMENSIONS, "department": Ticket.department_id}, where)
    by_id = by.pop("department")
    ids = [int(key) for key in by_id if key != UNSET]
    codes = dict(
        session.execute(select(Department.id, Department.code).where(Department.id.in_(ids))).all()
    )
    by["department"] = {
        (codes.get(int(key), UNSET) if key != UNSET else UNSET): n for key, n in by_id.items()
    }
    by["invalid_reason"] = count_by(
        session, Ticket.validity_reasons[0].as_string(), [*where, Ticket.validity == "invalid"]
    )
    return by


def top_causes(
    session: DbSession, tenant_id: int, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """The most frequent categories (causes) of the period's valid complaints."""
    where = [
        *received(tenant_id, start, end),
        Ticket.kind.in_(COMPLAINT_KINDS),
        Ticket.validity == "valid",
        Ticket.category.is_not(None),
    ]
    counts = count_by(session, Ticket.category, where)
    whole = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_CAUSES]
    return [{"key": key, "count": n, "share": ratio(n, whole)} for key, n in ranked]


def daily(
    session: DbSession, tenant_id: int, period: Period, timezone: str
) -> list[dict[str, Any]]:
    """Tickets received on each local day of the period, empty days included."""
    start, end = period.bounds(timezone)
    bucket = quarter_hour(Ticket.created_at)
    rows = session.execute(
        select(bucket, func.count()).where(*received(tenant_id, start, end)).group_by(bucket)
    )
    zone = ZoneInfo(timezone)
    per_day = {day: 0 for day in period.days()}
    for text, n in rows:
        day = parse_quarter_hour(text).astimezone(zone).date()
        per_day[day] += int(n)
    return [{"date": day.isoformat(), "tickets": n} for day, n in per_day.items()]
