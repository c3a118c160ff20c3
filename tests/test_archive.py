"""Export a tenant and restore it into an empty database: every row comes back, no
secret leaves, and the restored staff cannot sign in until they set a password."""

from __future__ import annotations

import io
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from portal.archive import export_tenant, import_archive
from portal.config import normalise_database_url
from portal.extensions import db
from portal.models import Ticket, User
from portal.tenancy import ALL_TENANTS, set_scope
from portal.validation import InvalidInput
from tests.conftest import PASSWORD, POSTGRES_ENV, login, make_app, make_user
from tests.security_world import MARKER, build_world


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second database of the same kind, migrated and empty."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        yield _migrated(url)
        return
    base = normalise_database_url(os.environ[POSTGRES_ENV])
    schema = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield _migrated(f"{base}{sep}options=-csearch_path%3D{schema}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrated(url: str) -> str:
    other = make_app(url)
    with other.app_context():
        upgrade()
        db.engine.dispose()
    return url


def archive_of(slug: str) -> bytes:
    out = io.BytesIO()
    export_tenant(db.session, slug, out)
    return out.getvalue()


def tables_of(archive: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {
            name.removesuffix(".ndjson"): [json.loads(line) for line in z.read(name).splitlines()]
            for name in z.namelist()
            if name.endswith(".ndjson")
        }


def test_an_exported_tenant_restores_row_for_row_into_an_empty_database(app, empty_url):
    world = build_world()
    archive = archive_of("bravo")
    exported = tables_of(archive)
    assert len(exported["tickets"]) == 1 and len(exported["events"]) >= 3
    assert exported["tenants"][0]["slug"] == "bravo"
    assert all("password_hash" not in row for row in exported["users"])
    assert all("key_hash" not in row for row in exported["api_keys"])
    assert not any("alpha" in json.dumps(rows) for rows in exported.values())

    other = make_app(empty_url)
    with other.app_context():
        set_scope(db.session, ALL_TENANTS)
        manifest = import_archive(db.session, io.BytesIO(archive))
        assert manifest["tenant"] == "bravo"
        restored = tables_of(archive_of("bravo"))
        assert restored == exported  # every row of every table, column by column
        # New rows take ids after the restored ones.
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
        client = other.test_client()
        assert login(client, "agent@bravo.example.com", PASSWORD).status_code == 401
        key = {"Authorization": f"Bearer {world.bravo_key}"}
        assert client.get("/api/v1/tickets", headers=key).status_code == 401
        db.session.remove()
        db.engine.dispose()


def test_the_sequences_continue_after_a_restore(app, empty_url):
    build_world()
    archive = archive_of("bravo")
    other = make_app(empty_url)
    with other.app_context():
        set_scope(db.session, ALL_TENANTS)
        import_archive(db.session, io.BytesIO(archive))
        before = db.session.scalar(select(func.max(User.id)))
        tenant = db.session.scalar(select(User)).tenant
        assert make_user(tenant, "supervisor").id > before
        db.session.remove()
        db.engine.dispose()


def test_restoring_twice_is_refused_and_changes_nothing(app):
    build_world()
    archive = archive_of("bravo")
    with pytest.raises(InvalidInput, match="already exists"):
        import_archive(db.session, io.BytesIO(archive))


def test_an_archive_of_another_schema_revision_is_refused(app):
    build_world()
    buffer = io.BytesIO(archive_of("bravo"))
    with zipfile.ZipFile(buffer, "a") as z:
        manifest = json.loads(z.read("manifest.json"))
    manifest["schema_revision"] = "0000"
    rewritten = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for name in src.namelist():
            body = json.dumps(manifest) if name == "manifest.json" else src.read(name)
            dst.writestr(name, body)
    with pytest.raises(InvalidInput, match="schema revision"):
        import_archive(db.session, io.BytesIO(rewritten.getvalue()))


def test_the_commands_export_and_restore(app, empty_url, tmp_path):
    build_world()
    path = tmp_path / "bravo.zip"
    result = app.test_cli_runner().invoke(
        args=["portal", "export", "--tenant", "bravo", "--out", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert MARKER in json.dumps(tables_of(path.read_bytes()))
    other = make_app(empty_url)
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["portal", "import-archive", str(path)])
        assert result.exit_code == 0, result.output
        assert "must set one" in result.output
        db.session.remove()
        db.engine.dispose()
    nowhere = tmp_path / "nope.zip"
    missing = app.test_cli_runner().invoke(
        args=["portal", "export", "--tenant", "nope", "--out", str(nowhere)]
    )
    assert missing.exit_code != 0 and "no tenant" in missing.output
    assert list(tmp_path.glob("nope.zip*")) == []
