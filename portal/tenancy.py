"""Tenant scoping: the one place that keeps each tenant's rows to itself.

Every business model inherits :class:`TenantScoped`. A SQLAlchemy session carries a
*scope* in ``session.info``: one tenant id, or :data:`ALL_TENANTS` for platform work
(jobs walking every tenant, the platform admin). Two session events enforce it:

* ``do_orm_execute`` adds ``tenant_id = <scope>`` to every ORM SELECT, UPDATE and
  DELETE that touches a scoped model, including relationship loads, so a view or a
  job cannot forget the filter;
* ``before_flush`` stamps new rows with the scope's tenant and refuses a row that
  belongs to another tenant.

A query on a scoped model in a session with no scope at all raises
:class:`TenantScopeError`: a forgotten scope is a loud bug, never a leak.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Final, TypeVar

from sqlalchemy import ForeignKey, Integer, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from portal.database import DbSession

T = TypeVar("T")

SCOPE_KEY: Final = "tousu.tenant_scope"
UNSCOPED_OPTION: Final = "tousu_unscoped"


class _AllTenants:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _AllTenants()


class TenantScopeError(RuntimeError):
    """A tenant-scoped query or write happened outside a tenant scope."""


class TenantScoped:
    """Mixin for rows that belong to exactly one tenant."""

    #: False for a table whose composite indexes lead with tenant_id: they serve a
    #: tenant's rows as well, and each index is one more write per row changed.
    tenant_id_index: ClassVar[bool] = True
    #: False for the rows of a ticket (milestones, events, its messages): the ticket's
    #: own key reaches the tenant and takes them along when it goes, and a key costs
    #: a lookup and a row lock for every row written (bench B6, 0012 and 0013).
    tenant_id_key: ClassVar[bool] = True

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        if not cls.tenant_id_key:
            return mapped_column(Integer, index=cls.tenant_id_index)
        return mapped_column(
            ForeignKey("tenants.id", ondelete="CASCADE"), index=cls.tenant_id_index
        )


def set_scope(session: DbSession, scope: int | _AllTenants | None) -> None:
    """Bind ``session`` to one tenant id, to ALL_TENANTS, or (None) to no scope."""
    if scope is None:
        session.info.pop(SCOPE_KEY, None)
    else:
        session.info[SCOPE_KEY] = scope


def current_scope(session: DbSession) -> int | _AllTenants | None:
    return session.info.get(SCOPE_KEY)


@contextmanager
def tenant_scope(session: DbSession, scope: int | _AllTenants) -> Iterator[DbSession]:
    """Run a block in ``scope``, restoring the previous scope afterwards."""
    previous = current_scope(session)
    set_scope(session, scope)
    try:
        yield session
    finally:
        set_scope(session, previous)


def get_in_scope(session: DbSession, model: type[T], ident: Any) -> T | None:
    """``session.get`` that never hands back another tenant's row.

    ``session.get`` answers from the identity map without a query when it can, and the
    scope is applied to queries, so a row loaded earlier under a wider scope would slip
    through; use this for every id that comes from input.
    """
    obj = session.get(model, ident)
    scope = current_scope(session)
    if obj is not None and isinstance(scope, int) and getattr(obj, "tenant_id", scope) != scope:
        return None
    return obj


def _scoped_mappers(state: ORMExecuteState) -> list[type]:
    return [m.class_ for m in state.all_mappers if issubclass(m.class_, TenantScoped)]


def _add_tenant_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(UNSCOPED_OPTION):
        return
    scope = current_scope(state.session)
    if scope is ALL_TENANTS:
        return
    if scope is None:
        touched = _scoped_mappers(state)
        if touched:
            names = ", ".join(sorted(c.__name__ for c in touched))
            raise TenantScopeError(f"query on {names} outside a tenant scope")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == scope,
            include_aliases=True,
        )
    )


def _stamp_new_rows(session: DbSession, flush_context: Any, instances: Any) -> None:
    scope = current_scope(session)
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantScoped):
            continue
        if isinstance(scope, int):
            if obj.tenant_id is None:
                obj.tenant_id = scope
            elif obj.tenant_id != scope:
                raise TenantScopeError(
                    f"{type(obj).__name__} of tenant {obj.tenant_id} written in tenant {scope}"
                )
        elif scope is None:
            raise TenantScopeError(f"{type(obj).__name__} written outside a tenant scope")
        elif obj.tenant_id is None and obj in session.new and _tenant_required(obj):
            raise TenantScopeError(f"new {type(obj).__name__} has no tenant_id")


def _tenant_required(obj: Any) -> bool:
    # Users are the one scoped model with optional tenant: platform admins have none.
    return not type(obj).__table__.c.tenant_id.nullable


def install() -> None:
    """Register the scoping events on every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _add_tenant_criteria):
        event.listen(Session, "do_orm_execute", _add_tenant_criteria)
        event.listen(Session, "before_flush", _stamp_new_rows)
