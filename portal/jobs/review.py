"""The periodic review: marks milestones that passed their due time as breached.

Set-based: one UPDATE marks every overdue milestone, one more flags their tickets.
Running it twice changes nothing the second time (only unmarked rows match).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Result, exists, select, update

from portal.database import DbSession
from portal.models import Milestone, Ticket


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def mark_breaches(session: DbSession, now: datetime) -> dict[str, int]:
    marked = _rowcount(
        session.execute(
            update(Milestone)
            .where(
                Milestone.met_at.is_(None),
                Milestone.cancelled_at.is_(None),
                Milestone.breached_at.is_(None),
                Milestone.paused_at.is_(None),
                Milestone.due_at <= now,
            )
            .values(breached_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    breached_milestone = (
        select(Milestone.id)
        .where(Milestone.ticket_id == Ticket.id, Milestone.breached_at.is_not(None))
        .correlate(Ticket)
    )
    # The ticket's version is left alone on purpose: an agent saving a stale copy of
    # the ticket must not be refused because the review flagged it.
    tickets = _rowcount(
        session.execute(
            update(Ticket)
            .where(Ticket.breached.is_(False), exists(breached_milestone))
            .values(breached=True)
            .execution_options(synchronize_session=False)
        )
    )
    return {"milestones_breached": marked, "tickets_breached": tickets}
