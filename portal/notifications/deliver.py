"""The outbox job: send due messages, retry failures with exponential backoff.

Each message is claimed, sent and marked in its own short transaction. The claim is
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL: a second delivery running at the
same time skips the row this one holds, and once this one commits the row is
``sent`` and no longer matches. So each row is sent once however many deliveries run.
SQLite renders no FOR UPDATE; there the scheduler's file lock keeps delivery to one
process, and a plain SELECT in the transaction is enough.

A process that dies between the send and the commit leaves the row queued, and it is
sent again later with the same Message-ID: at least once, never lost.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.database import DbSession
from portal.models import OutboxMessage
from portal.models.outbox import OutboxStatus
from portal.notifications.backends import Backend, Unavailable, open_backend
from portal.notifications.render import compose

log = logging.getLogger(__name__)

ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Retry:
    """After the n-th failed attempt wait ``first * 2**(n-1)``, at most ``longest``; after
    ``attempts`` attempts give up."""

    attempts: int
    first: timedelta
    longest: timedelta

    @classmethod
    def from_config(cls, config: Any) -> Retry:
        return cls(
            attempts=int(config["OUTBOX_MAX_ATTEMPTS"]),
            first=timedelta(seconds=float(config["OUTBOX_RETRY_SECONDS"])),
            longest=timedelta(seconds=float(config["OUTBOX_RETRY_MAX_SECONDS"])),
        )

    def delay(self, attempts: int) -> timedelta:
        return min(self.first * 2 ** (attempts - 1), self.longest)


def _claim(session: DbSession, now: datetime) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).first()


def _failed(message: OutboxMessage, error: Exception, now: datetime, retry: Retry) -> str:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    if message.attempts >= retry.attempts:
        message.status = OutboxStatus.FAILED
        log.error("gave up on outbox message %d: %s", message.id, message.last_error)
    else:
        message.next_attempt_at = now + retry.delay(message.attempts)
    return str(message.status)


def deliver_due(
    session: DbSession,
    now: datetime,
    backend: Backend,
    *,
    sender: str,
    retry: Retry,
    limit: int,
) -> dict[str, int]:
    """Send up to ``limit`` messages due at ``now``; counts by outcome."""
    counts: Counter[str] = Counter()
    for _ in range(limit):
        message = _claim(session, now)
        if message is None:
            break
        try:
            backend.send(compose(session, message, sender, now))
        except Unavailable as exc:
            counts[_failed(message, exc, now, retry)] += 1
            session.commit()
            log.warning("outbox delivery stopped: %s", exc)
            break
        except Exception as exc:  # one bad message (refused, broken template) only
            log.exception("outbox message %d was not sent", message.id)
            counts[_failed(message, exc, now, retry)] += 1
        else:
            message.attempts += 1
            message.status = OutboxStatus.SENT
            message.sent_at = now
            counts[OutboxStatus.SENT] += 1
        session.commit()
    return {f"messages_{outcome}": n for outcome, n in sorted(counts.items())}


def deliver(session: DbSession, now: datetime) -> dict[str, int]:
    """The scheduled job's body: deliver with the app's settings."""
    config = current_app.config
    with open_backend(config, current_app.instance_path) as backend:
        return deliver_due(
            session,
            now,
            backend,
            sender=config["MAIL_FROM"],
            retry=Retry.from_config(config),
            limit=int(config["OUTBOX_BATCH_SIZE"]),
        )
