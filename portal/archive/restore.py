"""Restoring a tenant's archive into a database that does not hold it yet."""

from __future__ import annotations

import json
import zipfile
from typing import IO, Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.exc import IntegrityError

from portal.archive.format import (
    FORMAT,
    MANIFEST,
    REDACTED,
    VERSION,
    from_json,
    schema_revision,
    tenant_tables,
)
from portal.database import DbSession
from portal.models import Tenant
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.validation import InvalidInput

BATCH = 1000


def _manifest(archive: zipfile.ZipFile, session: DbSession) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise InvalidInput({"archive": "not a Tousu tenant archive (no manifest)"}) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InvalidInput({"archive": f"unknown archive format {manifest.get('format')!r}"})
    here = schema_revision(session)
    if manifest.get("schema_revision") != here:
        raise InvalidInput(
            {
                "archive": f"written at schema revision {manifest.get('schema_revision')}, "
                f"but this database is at {here}: migrate both to the same revision"
            }
        )
    return manifest


def _later_references(table: Table, order: dict[str, int]) -> list[str]:
    """Columns pointing at this table or a later one: written after every row is in."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if order.get(fk.column.table.name, -1) >= order[table.name]
    ]


def _batches(archive: zipfile.ZipFile, table: Table) -> Any:
    batch: list[dict[str, Any]] = []
    with archive.open(f"{table.name}.ndjson") as f:
        for line in f:
            raw = json.loads(line)
            row = {name: from_json(table, name, value) for name, value in raw.items()}
            for (name, column), placeholder in REDACTED.items():
                if name == table.name:
                    row[column] = placeholder
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def import_archive(session: DbSession, source: IO[bytes]) -> dict[str, Any]:
    """Restore the archive read from ``source``; returns its manifest. Nothing is written
    unless all of it is."""
    with zipfile.ZipFile(source) as archive, tenant_scope(session, ALL_TENANTS):
        manifest = _manifest(archive, session)
        if session.scalar(select(Tenant.id).where(Tenant.slug == manifest["tenant"])):
            raise InvalidInput({"tenant": f"{manifest['tenant']!r} already exists here"})
        tables = tenant_tables()
        order = {t.name: i for i, t in enumerate(tables)}
        deferred: list[tuple[Table, str, list[tuple[Any, Any]]]] = []
        try:
            for table in tables:
                later = _later_references(table, order)
                pending: dict[str, list[tuple[Any, Any]]] = {c: [] for c in later}
                for batch in _batches(archive, table):
                    for row in batch:
                        for column in later:
                            if row[column] is not None:
                                pending[column].append((row["id"], row[column]))
                                row[column] = None
                    session.execute(table.insert(), batch)
                deferred.extend((table, c, values) for c, values in pending.items())
            for table, column, values in deferred:
                for row_id, value in values:
                    session.execute(
                        update(table).where(table.c.id == row_id).values({column: value})
                    )
            _advance_sequences(session, tables)
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise InvalidInput(
                {"archive": f"its rows clash with rows of this database: {exc.orig}"}
            ) from None
    return manifest


def _advance_sequences(session: DbSession, tables: list[Table]) -> None:
    """On PostgreSQL, move each id sequence past the restored ids (SQLite needs nothing:
    it takes the next id from the largest one in the table)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if (
            "id" in table.c
            and table.c.id.autoincrement in (True, "auto")
            and len(table.primary_key.columns) == 1
        ):
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                ),
                {"t": table.name},
            )
