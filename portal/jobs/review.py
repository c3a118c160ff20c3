"""The periodic review: warns on milestones at risk, marks breaches and escalates them,
groups batch complaints, reminds of callbacks and closes tickets the customer left.

Set-based and in bounded batches: each step claims up to ``REVIEW_BATCH_SIZE`` rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), changes them with a few statements and
queues their notices with INSERT ... SELECT, then commits; the next batch follows until
none is left. A run killed in the middle keeps the batches it committed, and the next
run finds the rest still unstamped. Nothing is done twice: every step only matches rows
it has not stamped yet, and the outbox refuses duplicate notices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    exists,
    func,
    literal,
    select,
    update,
)

from portal.config import DEFAULTS
from portal.database import DbSession, among
from portal.jobs import aftercare, complaint_batches
from portal.jobs.escalation import escalate_breached
from portal.jobs.sql import claim, epoch_seconds
from portal.models import Milestone, PolicyVersion, Ticket
from portal.models.base import UTCDateTime
from portal.notifications.queue import queue_for_events, queue_for_milestones
from portal.notifications.recipients import Notice
from portal.policy.document import PolicyDocument

#: For a policy document saved without the key (every saved one has it today).
DEFAULT_WARN_AT_SHARE = PolicyDocument.model_fields["warn_at_share"].default

Step = Callable[[DbSession, datetime, int], dict[str, int]]


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def _running() -> list[ColumnElement[bool]]:
    return [
        Milestone.met_at.is_(None),
        Milestone.cancelled_at.is_(None),
        Milestone.breached_at.is_(None),
        Milestone.paused_at.is_(None),
    ]


def _overdue(now: datetime) -> list[ColumnElement[bool]]:
    return [*_running(), Milestone.due_at <= now]


def _flag_breached_tickets(session: DbSession, tickets: ColumnElement[bool]) -> int:
    breached_milestone = (
        select(Milestone.id)
        .where(Milestone.ticket_id == Ticket.id, Milestone.breached_at.is_not(None))
        .correlate(Ticket)
    )
    # The ticket's version is left alone on purpose: an agent saving a stale copy of
    # the ticket must not be refused because the review flagged it.
    return _rowcount(
        session.execute(
            update(Ticket)
            .where(tickets, Ticket.breached.is_(False), exists(breached_milestone))
            .values(breached=True)
            .execution_options(synchronize_session=False)
        )
    )


def mark_breaches(session: DbSession, now: datetime) -> dict[str, int]:
    """Stamp every overdue milestone breached and flag its ticket, in the caller's
    transaction, without escalating (seeding the demo, tests of the clocks)."""
    marked = _rowcount(
        session.execute(
            update(Milestone)
            .where(*_overdue(now))
            .values(breached_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    return {
        "milestones_breached": marked,
        "tickets_breached": _flag_breached_tickets(session, literal(True)),
    }


def breach_batch(session: DbSession, now: datetime, size: int) -> dict[str, int]:
    """Up to ``size`` tickets with overdue milestones: stamp those milestones, queue the
    breach notices, then escalate each ticket one step, flag it breached and queue the
    escalation notices. Breach notices go first, to the people responsible before the
    escalation hands the ticket on."""
    # Driven from the running milestones (a small partial index on due_at), most overdue
    # first. Ordered by ticket id instead, the planner walks every milestone in that
    # order to skip a sort (bench B2, docs/performance.md).
    overdue_tickets = (
        select(Milestone.ticket_id)
        .where(*_overdue(now))
        .group_by(Milestone.ticket_id)
        .order_by(func.min(Milestone.due_at))
    )
    tickets = claim(
        session,
        select(Ticket.id).where(Ticket.id.in_(overdue_tickets.limit(size))).order_by(Ticket.id),
        size,
    )
    if not tickets:
        return {}
    stamped = session.execute(
        update(Milestone)
        .where(among(session, Milestone.ticket_id, tickets), *_overdue(now))
        .values(breached_at=now)
        .returning(Milestone.id, Milestone.ticket_id)
        .execution_options(synchronize_session=False)
    ).all()
    breached = sorted({ticket_id for _, ticket_id in stamped})
    newly_flagged = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(among(session, Ticket.id, breached), Ticket.breached.is_(False))
    )
    queued = queue_for_milestones(session, now, [milestone_id for milestone_id, _ in stamped])
    events = escalate_breached(session, breached, now)
    # Those the escalation did not flag: at the top of their chain, or without a policy.
    _flag_breached_tickets(session, among(session, Ticket.id, breached))
    return {
        "claimed": len(tickets),
        "milestones_breached": len(stamped),
        "tickets_breached": newly_flagged or 0,
        "notices_queued": queued,
        "escalated": len(events),
        "escalation_notices": queue_for_events(session, Notice.ESCALATE, events),
    }


def warn_batch(session: DbSession, now: datetime, size: int) -> dict[str, int]:
    """Up to ``size`` running milestones past their policy's ``warn_at_share`` of their
    time (started + share * (due - started) <= now), not yet due: stamp ``warned_at``
    and queue the at-risk notices.

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
    started = epoch_seconds(Milestone.started_at)
    # The share appears once: each appearance is a subquery per milestone.
    at_risk_from = started + share * (epoch_seconds(Milestone.due_at) - started)
    at_risk = [
        *_running(),
        Milestone.warned_at.is_(None),
        Milestone.due_at > now,
        at_risk_from <= epoch_seconds(literal(now, UTCDateTime())),
    ]
    claimed = claim(session, select(Milestone.id).where(*at_risk).order_by(Milestone.id), size)
    if not claimed:
        return {}
    warned = list(
        session.scalars(
            update(Milestone)
            .where(among(session, Milestone.id, claimed), Milestone.warned_at.is_(None))
            .values(warned_at=now)
            .returning(Milestone.id)
            .execution_options(synchronize_session=False)
        )
    )
    return {
        "claimed": len(claimed),
        "milestones_at_risk": len(warned),
        "notices_queued": queue_for_milestones(session, now, warned),
    }


def in_batches(session: DbSession, step: Step, now: datetime, size: int) -> Counter[str]:
    """Run ``step`` batch after batch, committing each, until a batch comes up short."""
    totals: Counter[str] = Counter()
    while True:
        counts = step(session, now, size)
        session.commit()
        claimed = counts.pop("claimed", 0)
        totals.update(counts)
        if claimed < size:
            return totals


#: The review's steps, in order: warnings before breaches, so a milestone that runs out
#: between two reviews is breached without being warned at the same moment.
STEPS: tuple[Step, ...] = (
    warn_batch,
    breach_batch,
    complaint_batches.group_batch,
    aftercare.callback_batch,
    aftercare.close_batch,
)


#: What a run reports, zero when nothing happened.
COUNTS = (
    "milestones_at_risk",
    "milestones_breached",
    "tickets_breached",
    "notices_queued",
    "escalated",
    "escalation_notices",
    "batched_tickets",
    "batches_announced",
    "callbacks_due",
    "tickets_closed",
)


def batch_size() -> int:
    if has_app_context():
        return int(current_app.config["REVIEW_BATCH_SIZE"])
    return int(DEFAULTS["REVIEW_BATCH_SIZE"])


def review(session: DbSession, now: datetime) -> dict[str, int]:
    """The scheduled job's body."""
    size = batch_size()
    totals: Counter[str] = Counter()
    for step in STEPS:
        totals.update(in_batches(session, step, now, size))
    return {**dict.fromkeys(COUNTS, 0), **totals}
