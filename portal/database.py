"""Session typing, the dialect differences services meet (upserts, id lists), and the
settings of each PostgreSQL connection."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Engine, Integer, Table, any_, bindparam, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

#: What services accept: a plain session or Flask-SQLAlchemy's scoped ``db.session``.
DbSession: TypeAlias = Session | scoped_session[Any]


def upsert(session: DbSession, table: Any) -> Any:
    """An INSERT on ``table`` that supports ``ON CONFLICT`` on both databases."""
    target: Table = table
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(target)


def among(session: DbSession, column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL ``column = ANY(array)``, one parameter however
    many ids. A job's batch of 500 ids rendered as 500 parameters cost more to build
    and send than the statement took to run (bench B2, docs/performance.md)."""
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, list(ids), type_=postgresql.ARRAY(Integer))
        result: ColumnElement[bool] = column == any_(array)
        return result
    return column.in_(ids)


def tune_postgresql(engine: Engine) -> None:
    """Turn JIT compilation off on every PostgreSQL connection. The jobs' and reports'
    statements are costed high enough to be compiled, and compiling took 200 ms of a
    450 ms statement that runs every minute (docs/performance.md); they are short
    enough that compiled expressions never pay that back."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _no_jit(dbapi_connection: Any, _record: Any) -> None:
        # SET inside a transaction would be undone by the pool's first rollback.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit
