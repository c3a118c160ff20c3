"""Batch complaints (批量投诉): many customers, one matter, grouped.

A tenant's active policy may have a ``batch`` rule: at least ``at_least`` tickets of
``kinds`` with equal values of ``fields`` received within ``within_hours``. The
review groups them in a :class:`~portal.models.TicketBatch` (``tickets.batch_id``);
later tickets of the same matter join the batch while its latest member is younger
than the window, after which the next cluster starts a batch of its own. Each batch
writes one ``batch`` event on its earliest ticket and tells the supervisors once.

One tenant per batch of work: the rule is the tenant's, and its candidates are only
the tickets of one window, so a tenant's grouping is a few statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, and_, func, literal, select, update
from sqlalchemy.orm import aliased

from portal.database import DbSession, upsert
from portal.jobs.sql import insert_events, json_row, lock_tenant, tenants_in_scope
from portal.models import PolicyVersion, Tenant, Ticket, TicketBatch
from portal.models.base import UTCDateTime
from portal.notifications.queue import queue_for_events
from portal.notifications.recipients import Notice

EVENT = "batch"
_JOB = "review.batches"


def matter_key(fields: list[str]) -> ColumnElement[str]:
    """``category=billing;cause=outage``: the values the rule compares, as one text;
    NULL when any of them is missing (an unknown cause groups with nothing)."""
    key: ColumnElement[str] | None = None
    for name in fields:
        value = Ticket.category if name == "category" else Ticket.fields[name].as_string()
        part = literal(f"{name}=", String) + value
        key = part if key is None else key + literal(";", String) + part
    assert key is not None
    return key


def _join_open_batches(
    session: DbSession,
    candidates: list[ColumnElement[bool]],
    key: ColumnElement[str],
    since: datetime,
) -> int:
    open_batch = (
        select(func.max(TicketBatch.id))
        .where(
            TicketBatch.tenant_id == Ticket.tenant_id,
            TicketBatch.key == key,
            TicketBatch.last_at > since,
        )
        .scalar_subquery()
    )
    result = session.execute(
        update(Ticket)
        .where(*candidates, open_batch.is_not(None))
        .values(batch_id=open_batch)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def _group_tenant(
    session: DbSession, tenant: Tenant, rule: dict[str, Any], now: datetime
) -> dict[str, int]:
    since = now - timedelta(hours=rule["within_hours"])
    key = matter_key(rule["fields"])
    candidates = [
        Ticket.tenant_id == tenant.id,
        Ticket.batch_id.is_(None),
        Ticket.kind.in_(rule.get("kinds", ["complaint"])),
        Ticket.validity == "valid",
        Ticket.created_at > since,
        Ticket.created_at <= now,
        key.is_not(None),
    ]
    joined = _join_open_batches(session, candidates, key, since)
    groups = (
        select(
            literal(tenant.id),
            key,
            func.min(Ticket.created_at),
            func.max(Ticket.created_at),
            literal(0),
            literal(now, UTCDateTime()),
        )
        .where(*candidates)
        .group_by(key)
        .having(func.count() >= rule["at_least"])
    )
    table = TicketBatch.__table__
    session.execute(
        upsert(session, table)
        .from_select(["tenant_id", "key", "first_at", "last_at", "size", "created_at"], groups)
        .on_conflict_do_nothing()
    )
    joined += _join_open_batches(session, candidates, key, since)
    members = select(func.count()).where(Ticket.batch_id == TicketBatch.id).scalar_subquery()
    latest = select(func.max(Ticket.created_at)).where(Ticket.batch_id == TicketBatch.id)
    touched = select(Ticket.batch_id).where(
        Ticket.tenant_id == tenant.id, Ticket.created_at > since, Ticket.batch_id.is_not(None)
    )
    session.execute(
        update(TicketBatch)
        .where(TicketBatch.id.in_(touched))
        .values(size=members, last_at=latest.scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    return {"batched_tickets": joined, "batches_announced": _announce(session, tenant, now)}


def _announce(session: DbSession, tenant: Tenant, now: datetime) -> int:
    announced = list(
        session.scalars(
            update(TicketBatch)
            .where(TicketBatch.tenant_id == tenant.id, TicketBatch.announced_at.is_(None))
            .values(announced_at=now)
            .returning(TicketBatch.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not announced:
        return 0
    with force_locale(tenant.locale):
        text = _(
            "Batch complaint: other complaints about the same matter are grouped with this one."
        )
    member = aliased(Ticket)
    first = (
        select(func.min(member.id))
        .where(member.batch_id == TicketBatch.id)
        .correlate(TicketBatch)
        .scalar_subquery()
    )
    earliest = select(Ticket).join(
        TicketBatch, and_(TicketBatch.id.in_(announced), Ticket.id == first)
    )
    data = json_row(text=text, batch=TicketBatch.id, size=TicketBatch.size, matter=TicketBatch.key)
    events = insert_events(session, earliest, EVENT, now, data)
    queue_for_events(session, Notice.BATCH, events)
    return len(events)


def group_batch(session: DbSession, now: datetime, size: int) -> dict[str, int]:
    """The review step: every tenant whose active policy has a batch rule, each in its
    own transaction (``size`` does not apply: a tenant's window bounds the work)."""
    rules = session.execute(
        select(Tenant, PolicyVersion.document["batch"])
        .join(PolicyVersion, PolicyVersion.id == Tenant.active_policy_version_id)
        .where(Tenant.id.in_(tenants_in_scope(session)))
    ).all()
    totals = {"batched_tickets": 0, "batches_announced": 0}
    for tenant, rule in rules:
        if not rule or not lock_tenant(session, _JOB, tenant.id):
            continue
        for name, count in _group_tenant(session, tenant, rule, now).items():
            totals[name] += count
        session.commit()
    return totals
