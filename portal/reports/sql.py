"""The SQL building blocks of reports, shared by the core's figures and the sectors'
sections: the tickets of a period, counts grouped by a column, JSON field extraction,
and a time bucket that works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.database import DbSession
from portal.models import Ticket

#: Grouping key of rows whose column is empty (no category, no department, ...).
UNSET = ""


def received(tenant_id: int, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The tickets of a period: those received (created) in [start, end)."""
    return [Ticket.tenant_id == tenant_id, Ticket.created_at >= start, Ticket.created_at < end]


def field_text(key: str) -> ColumnElement[str]:
    """A sector field of the ticket as text (NULL when absent), on either database."""
    return Ticket.fields[key].as_string()


def field_flag(key: str) -> ColumnElement[bool]:
    """True where the sector field ``key`` is the JSON ``true``."""
    return Ticket.fields[key].as_boolean().is_(True)


def count_by(
    session: DbSession, column: SQLColumnExpression[Any], where: Iterable[ColumnElement[bool]]
) -> dict[str, int]:
    """``{value: count}`` of the rows matching ``where``, grouped by ``column``; the
    empty value is :data:`UNSET`."""
    key = func.coalesce(cast(column, String), UNSET)
    rows = session.execute(select(key, func.count()).where(*where).group_by(key))
    return {str(value): int(n) for value, n in rows}


def count_by_each(
    session: DbSession,
    columns: Mapping[str, SQLColumnExpression[Any]],
    where: Iterable[ColumnElement[bool]],
) -> dict[str, dict[str, int]]:
    """``{name: count_by(column)}`` for each of ``columns``. PostgreSQL counts them all
    in one pass with GROUPING SETS, where a query per column read the rows once each
    (a third of a quarterly report, bench B3); SQLite, which has no grouping sets, runs
    :func:`count_by` per column."""
    conditions = list(where)
    if session.get_bind().dialect.name != "postgresql":
        return {name: count_by(session, column, conditions) for name, column in columns.items()}
    keys = [func.coalesce(cast(column, String), UNSET) for column in columns.values()]
    # GROUPING(...) has a bit per column, set where the row is not grouped by it: each
    # row's set is the one column whose bit is clear.
    grouped = func.grouping(*keys)
    rows = session.execute(
        select(grouped, *keys, func.count()).where(*conditions).group_by(func.grouping_sets(*keys))
    )
    width = len(keys)
    counts: dict[str, dict[str, int]] = {name: {} for name in columns}
    names = list(columns)
    for bits, *values, n in rows:
        position = next(i for i in range(width) if not bits >> (width - 1 - i) & 1)
        counts[names[position]][str(values[position])] = int(n)
    return counts


def ratio(part: int | float, whole: int | float) -> float | None:
    """``part / whole`` rounded for display; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


class quarter_hour(FunctionElement[str]):
    """The UTC quarter-hour a timestamp falls in, as ``YYYY-MM-DD HH:MM`` text.

    Grouping by it and mapping each quarter-hour to its local day in Python gives exact
    local days in any time zone (every zone's offset is a multiple of 15 minutes), with
    no time zone arithmetic in SQL, which SQLite cannot do.
    """

    type = String()
    name = "quarter_hour"
    inherit_cache = True


@compiles(quarter_hour, "postgresql")
def _quarter_hour_postgresql(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    utc = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')"
    return (
        f"to_char(date_trunc('hour', {utc}) + floor(extract(minute FROM {utc}) / 15)"
        " * interval '15 minutes', 'YYYY-MM-DD HH24:MI')"
    )


@compiles(quarter_hour, "sqlite")
def _quarter_hour_sqlite(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text (UTCDateTime).
    value = compiler.process(element.clauses, **kw)
    return (
        f"(substr({value}, 1, 14) || "
        f"printf('%02d', CAST(substr({value}, 15, 2) AS INTEGER) / 15 * 15))"
    )


def parse_quarter_hour(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
