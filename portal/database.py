"""Session typing, the dialect differences services meet (upserts, id lists), and the
settings of each new connection."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    event,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

#: What services accept: a plain session or Flask-SQLAlchemy's scoped ``db.session``.
DbSession: TypeAlias = Session | scoped_session[Any]


def upsert(session: DbSession, table: Any) -> Any:
    """An INSERT on ``table`` that supports ``ON CONFLICT`` on both databases."""
    target: Table = table
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(target)


def among(session: DbSession, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, one parameter however
    many values. A job's batch of 500 ids rendered as 500 parameters cost more to build
    and send than the statement took to run (bench B2, docs/performance.md)."""
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    if isinstance(column.type, Integer):
        # Integers go as one array literal: psycopg adapts a list element by element in
        # Python (2.3 ms for 2,000 ids, the literal 0.07 ms), which was a fifth of the
        # review's own CPU (bench B2). int() keeps anything but integers out of it.
        literal = "{" + ",".join(map(str, map(int, values))) + "}"
        array: Any = cast(bindparam(None, literal, type_=Text()), postgresql.ARRAY(column.type))
    else:
        array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
    result: ColumnElement[bool] = column == any_(array)
    return result


#: How long a SQLite writer waits for another's transaction before "database is locked":
#: the embedded default's jobs hold theirs for seconds, longer than sqlite3's 5 s.
SQLITE_BUSY_MS = 60_000


def tune_connections(engine: Engine) -> None:
    """Settings of every new connection.

    PostgreSQL: JIT off. The jobs' and reports' statements are costed high enough to be
    compiled, and compiling took 200 ms of a 450 ms statement that runs every minute
    (docs/performance.md); they are too short to pay that back.

    SQLite (the embedded default, where the dev server and the scheduler's jobs share
    one file): write-ahead logging, so pages keep reading while a job writes, and a
    long busy timeout, so a writer waits its turn instead of failing.
    """
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
    elif engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_settings)


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    # SET inside a transaction would be undone by the pool's first rollback.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.close()
