"""Session typing and the one dialect difference services meet (upserts)."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

#: What services accept: a plain session or Flask-SQLAlchemy's scoped ``db.session``.
DbSession: TypeAlias = Session | scoped_session[Any]


def upsert(session: DbSession, table: Any) -> Any:
    """An INSERT on ``table`` that supports ``ON CONFLICT`` on both databases."""
    target: Table = table
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(target)
