"""The audit trail of admin changes, read from the ORM's own change tracking.

The entry is added to the same session as the change, so both commit or neither
does. Values are taken from SQLAlchemy's attribute history before the flush, which
holds exactly the columns the form changed and what they were.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect

from portal.database import DbSession
from portal.models import AuditEntry, Tenant, User


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def _columns(model: Any, exclude: frozenset[str]) -> list[str]:
    return [c.key for c in inspect(model).mapper.column_attrs if c.key not in exclude]


def _entry(
    session: DbSession,
    model: Any,
    tenant: Tenant | None,
    actor: User | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    owner = model.id if isinstance(model, Tenant) else getattr(model, "tenant_id", None)
    session.add(
        AuditEntry(
            tenant_id=owner or (tenant.id if tenant else None),
            actor_id=actor.id if actor else None,
            action=action,
            object_type=inspect(model).mapper.class_.__tablename__,
            object_id=str(inspect(model).identity[0]) if inspect(model).identity else "",
            before=before,
            after=after,
        )
    )


def record_change(
    session: DbSession,
    model: Any,
    tenant: Tenant | None,
    actor: User | None,
    *,
    exclude: frozenset[str] = frozenset(),
    created: bool = False,
) -> None:
    """Audit a created or edited row: call it before the flush that writes an edit
    (the history is gone after it); a row a service already flushed says ``created``."""
    state = inspect(model)
    if created or state.pending or state.transient:
        session.flush()  # the entry names the new row's id
        after = {k: _plain(getattr(model, k)) for k in _columns(model, exclude)}
        _entry(session, model, tenant, actor, "create", None, after)
        return
    before: dict[str, Any] = {}
    after = {}
    for key in _columns(model, exclude):
        history = state.attrs[key].history
        if history.has_changes():
            before[key] = _plain(history.deleted[0]) if history.deleted else None
            after[key] = _plain(history.added[0]) if history.added else None
    if after:
        _entry(session, model, tenant, actor, "update", before, after)


def record_deletion(
    session: DbSession,
    model: Any,
    tenant: Tenant | None,
    actor: User | None,
    *,
    exclude: frozenset[str] = frozenset(),
) -> None:
    before = {k: _plain(getattr(model, k)) for k in _columns(model, exclude)}
    _entry(session, model, tenant, actor, "delete", before, None)
