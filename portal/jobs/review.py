"""The periodic review: warns on milestones at risk, marks breaches, queues notices.

Set-based: one UPDATE stamps every milestone at risk, one every overdue milestone, one
more flags their tickets, and INSERT ... SELECT queues the notices of the milestones
this run stamped, all in the run's transaction. Running it twice changes nothing the
second time (only unstamped rows match, and the outbox refuses duplicates).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Float, Result, exists, func, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.database import DbSession
from portal.models import Milestone, PolicyVersion, Ticket
from portal.models.base import UTCDateTime
from portal.notifications.queue import queue_for_milestones
from portal.policy.document import PolicyDocument

#: For a policy document saved without the key (every saved one has it today).
DEFAULT_WARN_AT_SHARE = PolicyDocument.model_fields["warn_at_share"].default


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


class epoch_seconds(FunctionElement[float]):
    """Seconds of a timestamp on a linear scale, on either database (only differences
    and comparisons between them mean anything)."""

    type = Float()
    name = "epoch_seconds"
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"(julianday({compiler.process(element.clauses, **kw)}) * 86400.0)"


def warn_at_risk(session: DbSession, now: datetime) -> int:
    """Stamp ``warned_at`` on running milestones past their policy's ``warn_at_share``
    of their time (started + share * (due - started) <= now), not yet due.

    The share is read from each ticket's own policy version, in the same statement.
    Pauses count as time used: a resumed milestone's due time moved out, its start
    did not, so it is warned a little early rather than late.
    """
    share = func.coalesce(
        select(PolicyVersion.document["warn_at_share"].as_float())
        .where(PolicyVersion.id == Ticket.policy_version_id, Ticket.id == Milestone.ticket_id)
        .scalar_subquery(),
        DEFAULT_WARN_AT_SHARE,
    )
    at_risk_from = (1 - share) * epoch_seconds(Milestone.started_at) + share * epoch_seconds(
        Milestone.due_at
    )
    return _rowcount(
        session.execute(
            update(Milestone)
            .where(
                Milestone.met_at.is_(None),
                Milestone.cancelled_at.is_(None),
                Milestone.breached_at.is_(None),
                Milestone.paused_at.is_(None),
                Milestone.warned_at.is_(None),
                Milestone.due_at > now,
                at_risk_from <= epoch_seconds(literal(now, UTCDateTime())),
            )
            .values(warned_at=now)
            .execution_options(synchronize_session=False)
        )
    )


def review(session: DbSession, now: datetime) -> dict[str, int]:
    """The scheduled job's body."""
    warned = warn_at_risk(session, now)
    counts = mark_breaches(session, now)
    queued = queue_for_milestones(session, now)
    return {"milestones_at_risk": warned, **counts, "notices_queued": queued}
