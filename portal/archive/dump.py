"""Writing a tenant's archive, table by table, streaming rows."""

from __future__ import annotations

import json
import zipfile
from typing import IO, Any

from sqlalchemy import Table, select

from portal.archive.format import (
    FORMAT,
    MANIFEST,
    REDACTED,
    VERSION,
    schema_revision,
    tenant_tables,
    to_json,
    written_columns,
)
from portal.database import DbSession
from portal.models import Tenant, utcnow
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.validation import InvalidInput

BATCH = 1000


def _rows(session: DbSession, table: Table, tenant_id: int) -> Any:
    owner = table.c.id if table.name == "tenants" else table.c.tenant_id
    stmt = (
        select(*[table.c[name] for name in written_columns(table)])
        .where(owner == tenant_id)
        .order_by(*table.primary_key.columns)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(stmt):
        yield dict(row._mapping)


def _outside_references(table: Table, kept: dict[str, set[Any]]) -> dict[str, set[Any]]:
    """Per foreign-key column, the ids the archive holds for the table it points to."""
    found = {}
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if target in kept and fk.parent.name != "tenant_id":
            found[fk.parent.name] = kept[target]
    return found


def export_tenant(session: DbSession, slug: str, out: IO[bytes]) -> dict[str, Any]:
    """Write ``slug``'s archive to ``out``; returns the manifest."""
    with tenant_scope(session, ALL_TENANTS):
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise InvalidInput({"tenant": f"no tenant {slug!r}"})
        tables = tenant_tables()
        # Ids of every row in the archive, per table, to clear references leaving it.
        kept: dict[str, set[Any]] = {t.name: set() for t in tables if "id" in t.c}
        counts: dict[str, int] = {}
        cleared: dict[str, int] = {}
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            # Two passes over the foreign keys would need the rows twice; the ids come
            # first instead, with one cheap query per table.
            for table in tables:
                if "id" in table.c:
                    owner = table.c.id if table.name == "tenants" else table.c.tenant_id
                    kept[table.name] = set(
                        session.scalars(select(table.c.id).where(owner == tenant.id))
                    )
            for table in tables:
                references = _outside_references(table, kept)
                count = 0
                with archive.open(f"{table.name}.ndjson", "w") as f:
                    for row in _rows(session, table, tenant.id):
                        for column, ids in references.items():
                            if row[column] is not None and row[column] not in ids:
                                row[column] = None
                                cleared[f"{table.name}.{column}"] = (
                                    cleared.get(f"{table.name}.{column}", 0) + 1
                                )
                        line = json.dumps(
                            {k: to_json(v) for k, v in row.items()}, ensure_ascii=False
                        )
                        f.write(line.encode() + b"\n")
                        count += 1
                counts[table.name] = count
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "tenant": slug,
                "exported_at": utcnow().isoformat(),
                "schema_revision": schema_revision(session),
                "tables": counts,
                "redacted": sorted(f"{t}.{c}" for t, c in REDACTED),
                "cleared_references": cleared,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest
