"""Deadlines kept and missed: the on-time rate of the milestones due in a period, and
the breaches the periodic review recorded in it.

A milestone counts in the period its due time falls in. It was *on time* if met by its
due time and never marked breached; *late* if breached, met after its due time, or
still unmet, running and past due at the time of the build; *pending* if not due yet
(or paused, waiting on the customer). Milestones cancelled unmet (the ticket was closed
or found invalid first) count in neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)

from portal.database import DbSession
from portal.models import Milestone, Ticket
from portal.models.base import UTCDateTime
from portal.reports.sql import UNSET, ratio

OUTCOMES = ("on_time", "late", "pending")


def _outcome(now: datetime) -> ColumnElement[str]:
    met = Milestone.met_at.is_not(None)
    return case(
        (Milestone.breached_at.is_not(None), "late"),
        (and_(met, Milestone.met_at <= Milestone.due_at), "on_time"),
        (met, "late"),
        (Milestone.cancelled_at.is_not(None), "cancelled"),
        (
            and_(Milestone.paused_at.is_(None), Milestone.due_at <= literal(now, UTCDateTime())),
            "late",
        ),
        else_="pending",
    )


def on_time_by(
    session: DbSession,
    column: SQLColumnExpression[Any],
    tenant_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[str, dict[str, Any]]:
    """``{group: {on_time, late, pending, on_time_rate}}`` of the milestones due in
    [start, end), grouped by ``column`` (a Milestone or Ticket column, e.g. the
    milestone's name or the ticket's tier); ``where`` narrows the tickets (e.g. to
    appeals)."""
    outcome = _outcome(now)
    group = func.coalesce(cast(column, String), UNSET)
    stmt = (
        select(group, outcome, func.count())
        .select_from(Milestone)
        .where(
            Milestone.tenant_id == tenant_id,
            Milestone.due_at >= start,
            Milestone.due_at < end,
            *where,
        )
        .group_by(group, outcome)
    )
    # Joined only when grouped or narrowed by the ticket: otherwise the join reads every
    # ticket of the tenant for nothing (half the time of a quarterly report, bench B3).
    if Ticket.__table__ in stmt.get_final_froms():
        stmt = stmt.join(Ticket, Ticket.id == Milestone.ticket_id)
    rows = session.execute(stmt)
    result: dict[str, dict[str, Any]] = {}
    for key, name, n in rows:
        if name in OUTCOMES:
            counts = result.setdefault(str(key), dict.fromkeys(OUTCOMES, 0))
            counts[name] += int(n)
    for counts in result.values():
        counts["on_time_rate"] = ratio(counts["on_time"], counts["on_time"] + counts["late"])
    return dict(sorted(result.items()))


def breaches(session: DbSession, tenant_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Milestones the review marked breached during [start, end), by milestone name."""
    rows = session.execute(
        select(Milestone.name, func.count())
        .where(
            Milestone.tenant_id == tenant_id,
            Milestone.breached_at >= start,
            Milestone.breached_at < end,
        )
        .group_by(Milestone.name)
    )
    return {name: int(n) for name, n in sorted(rows)}


def overall_rate(by_milestone: dict[str, dict[str, Any]]) -> float | None:
    on_time = sum(c["on_time"] for c in by_milestone.values())
    late = sum(c["late"] for c in by_milestone.values())
    return ratio(on_time, on_time + late)
