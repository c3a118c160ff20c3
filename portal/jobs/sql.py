"""The SQL the jobs share: claiming a bounded batch, a per-tenant lock, JSON built per
row, and timeline events written with INSERT ... SELECT."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Float,
    Select,
    SQLColumnExpression,
    String,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.database import DbSession
from portal.models import Event, Tenant, Ticket
from portal.models.base import JSONDocument, UTCDateTime
from portal.tenancy import current_scope

# Advisory-lock namespace of per-tenant job work (the leader lock uses a single key).
_TENANT_LOCK_SPACE = 0x7475


def claim(session: DbSession, ids: Select[Any], size: int) -> list[int]:
    """Up to ``size`` ids of ``ids``, their rows locked until the batch commits.

    SKIP LOCKED: a second review running at the same time takes the next rows instead
    of waiting for these, and never sees these until they are done. SQLite has one
    writer at a time and renders no FOR UPDATE.
    """
    return list(session.scalars(ids.limit(size).with_for_update(skip_locked=True)))


def lock_tenant(session: DbSession, job: str, tenant_id: int) -> bool:
    """Take ``job``'s lock on a tenant for this transaction; False if another run holds
    it (it is doing the same work, so this one skips the tenant)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = (hash_text(job) << 32) | tenant_id
    got = session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key})
    return bool(got)


def hash_text(value: str) -> int:
    """A stable 15-bit number for a name (Python's hash() changes between processes)."""
    number = _TENANT_LOCK_SPACE
    for char in value:
        number = (number * 31 + ord(char)) % 32749
    return number


def tenants_in_scope(session: DbSession) -> Select[Any]:
    """The active tenants a run covers: every one, or the one an admin's run is for."""
    query = select(Tenant.id).where(Tenant.active.is_(True)).order_by(Tenant.id)
    scope = current_scope(session)
    if isinstance(scope, int):
        query = query.where(Tenant.id == scope)
    return query


def as_json(value: Mapping[str, Any]) -> ColumnElement[Any]:
    """A constant JSON document as a bound value."""
    return literal(dict(value), JSONDocument)


def json_row(**values: SQLColumnExpression[Any] | str) -> ColumnElement[Any]:
    """A JSON object built per row from column expressions and constant texts."""
    args: list[SQLColumnExpression[Any]] = []
    for key, value in values.items():
        # Typed: PostgreSQL cannot infer the type of a bare parameter of jsonb_build_object.
        args.append(cast(literal(key), String))
        args.append(cast(literal(value), String) if isinstance(value, str) else value)
    return json_object(*args)


class json_object(FunctionElement[Any]):
    """A JSON object from ``key, value, key, value, ...`` expressions."""

    type = JSON()
    name = "json_object"
    inherit_cache = True


@compiles(json_object, "postgresql")
def _json_object_postgresql(element: json_object, compiler: Any, **kw: Any) -> str:
    return f"jsonb_build_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object, "sqlite")
def _json_object_sqlite(element: json_object, compiler: Any, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


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


def insert_events(
    session: DbSession,
    tickets: Select[Any],
    kind: str,
    now: datetime,
    data: ColumnElement[Any],
) -> list[int]:
    """Append one ``kind`` event at ``now`` to the timeline of each ticket ``tickets``
    selects (a select of ``Ticket`` rows' columns is joined here); its ids.

    Events are append-only and written by the job itself, so the after-flush hook that
    queues an action's notices never sees them: callers queue what they need.
    """
    rows = tickets.with_only_columns(
        Ticket.tenant_id,
        Ticket.id,
        literal(now, UTCDateTime()),
        literal(kind, String),
        literal(False, Boolean),
        data,
    )
    statement = (
        insert(Event)
        .from_select(["tenant_id", "ticket_id", "at", "type", "public", "data"], rows)
        .returning(Event.id)
    )
    return list(session.scalars(statement))


def latest_event_at(kind: str) -> ColumnElement[Any]:
    """When the ticket's latest ``kind`` event happened (NULL if never), per ticket."""
    return (
        select(func.max(Event.at))
        .where(Event.ticket_id == Ticket.id, Event.type == kind)
        .correlate(Ticket)
        .scalar_subquery()
    )
