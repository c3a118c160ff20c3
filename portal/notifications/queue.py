"""Queuing: INSERT ... SELECT into the outbox, in the caller's transaction.

Each statement queues one kind of notice for a set of events or milestones at once,
with its recipients joined in SQL (:mod:`portal.notifications.recipients`). Rows that
already exist are skipped by the outbox's unique constraints (ON CONFLICT DO NOTHING),
so queuing the same thing twice queues it once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from typing import cast as typed

from sqlalchemy import (
    CursorResult,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)

from portal.database import DbSession, among, upsert
from portal.models import Event, Milestone, OutboxMessage, Tenant, Ticket
from portal.models.base import UTCDateTime
from portal.models.outbox import OutboxStatus
from portal.notifications.recipients import AUDIENCES, Notice, Recipients

_COLUMNS = [
    "tenant_id",
    "kind",
    "ticket_id",
    "event_id",
    "milestone_id",
    "milestone",
    "due_at",
    "occurred_at",
    "user_id",
    "recipient",
    "locale",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
]
# Typed NULLs: PostgreSQL will not guess the type of a bare NULL in a SELECT list.
_NO_ID = cast(null(), Integer)
_NO_NAME = cast(null(), String)


def _rows(
    kind: Notice,
    source: Any,
    ticket_id: SQLColumnExpression[Any],
    *,
    event_id: SQLColumnExpression[Any],
    milestone_id: SQLColumnExpression[Any],
    milestone: SQLColumnExpression[Any],
    due_at: SQLColumnExpression[Any],
    occurred_at: SQLColumnExpression[Any],
) -> tuple[Select[Any], Recipients]:
    """The outbox rows of ``kind`` for the rows of ``source`` (events or milestones):
    one per source row and recipient.

    A message is due at once: it is queued, and first tried, at the time of the change.
    """
    recipients = AUDIENCES[kind]()
    rows = (
        select(
            Ticket.tenant_id,
            literal(str(kind), String),
            Ticket.id,
            event_id,
            milestone_id,
            milestone,
            due_at,
            occurred_at,
            recipients.user_id,
            recipients.address,
            func.coalesce(recipients.locale, Tenant.locale),
            literal(str(OutboxStatus.QUEUED), String),
            literal(0, Integer),
            occurred_at,
            occurred_at,
        )
        .select_from(source)
        .join(Ticket, Ticket.id == ticket_id)
        .join(Tenant, Tenant.id == Ticket.tenant_id)
        .join(recipients.source, recipients.on)
    )
    return rows, recipients


def _insert(session: DbSession, rows: Select[Any]) -> int:
    table = OutboxMessage.__table__
    statement = (
        upsert(session, table)
        .from_select(_COLUMNS, rows)
        .on_conflict_do_nothing()
        # SQLAlchemy keeps the row count of UPDATE and DELETE only unless asked.
        .execution_options(preserve_rowcount=True)
    )
    return typed(CursorResult[Any], session.execute(statement)).rowcount


def queue_for_events(session: DbSession, kind: Notice, event_ids: Collection[int]) -> int:
    """Queue ``kind`` for the given events (of that type); returns the rows queued.

    Staff never get a notice of their own action (assigning a ticket to oneself).
    """
    rows, recipients = _rows(
        kind,
        Event,
        Event.ticket_id,
        event_id=Event.id,
        milestone_id=_NO_ID,
        milestone=_NO_NAME,
        due_at=Ticket.next_due_at,
        occurred_at=Event.at,
    )
    rows = rows.where(among(session, Event.id, event_ids))
    if recipients.staff:
        rows = rows.where(or_(Event.actor_id.is_(None), recipients.user_id != Event.actor_id))
    return _insert(session, rows)


def queue_for_milestones(
    session: DbSession, now: datetime, milestone_ids: Collection[int] | None = None
) -> int:
    """Queue the at-risk and breach notices of the milestones the review marked at
    ``now`` (it stamps ``warned_at`` / ``breached_at`` with its run's time); only
    those of ``milestone_ids`` when given (the review's current batch)."""
    at = literal(now, UTCDateTime())
    queued = 0
    for kind, stamp in (
        (Notice.AT_RISK, Milestone.warned_at),
        (Notice.BREACH, Milestone.breached_at),
    ):
        rows, _ = _rows(
            kind,
            Milestone,
            Milestone.ticket_id,
            event_id=_NO_ID,
            milestone_id=Milestone.id,
            milestone=Milestone.name,
            due_at=Milestone.due_at,
            occurred_at=stamp,
        )
        rows = rows.where(Milestone.met_at.is_(None), stamp == at)
        if milestone_ids is not None:
            rows = rows.where(among(session, Milestone.id, milestone_ids))
        queued += _insert(session, rows)
    return queued
