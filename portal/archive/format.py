"""What an archive holds and how values are written in it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, text

from portal.database import DbSession
from portal.models import Base
from portal.models.base import UTCDateTime

FORMAT = "tousu-tenant-archive"
VERSION = 1
MANIFEST = "manifest.json"
#: Columns never written, and what a restored row holds instead: a password hash no
#: password matches, and an API key hash no key matches.
REDACTED: dict[tuple[str, str], str] = {
    ("users", "password_hash"): "!restored: set a new password",
    ("api_keys", "key_hash"): "",
}


def tenant_tables() -> list[Table]:
    """The tenants table, then every table whose rows belong to one tenant, parents
    before children."""
    return [t for t in Base.metadata.sorted_tables if t.name == "tenants" or "tenant_id" in t.c]


def written_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if (table.name, c.name) not in REDACTED]


def schema_revision(session: DbSession) -> str | None:
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_json(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[column].type
    if isinstance(kind, UTCDateTime | DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value
