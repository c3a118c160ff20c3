"""Fixtures: the whole suite runs on SQLite, and again on PostgreSQL when
``TOUSU_TEST_POSTGRES_URL`` is set (each run in a fresh schema, dropped afterwards).

The database is built with the real migrations, once per database; each test then
starts from empty tables.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from portal import create_app, passwords
from portal.config import normalise_database_url
from portal.extensions import db
from portal.models import Base, Tenant, User
from portal.plugins import sectors
from portal.tenancy import ALL_TENANTS, set_scope
from portal.tenants import create_tenant
from portal.users import create_user

POSTGRES_ENV = "TOUSU_TEST_POSTGRES_URL"

# Production-strength argon2 costs ~0.1 s per hash; the suite creates hundreds of users.
passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tousu.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    base = normalise_database_url(base)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class RequestIsolatingClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    Tests keep an app context open for their own database work; without this, requests
    would reuse it and share the test's ``g`` (signed-in user, CSRF token, locale) and
    database session (with its tenant scope) from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A sector with fixed rules, so core tests do not move when a real sector's do.
        "EXTRA_SECTORS": {"sample": "tests.plugins.sample"},
    }
    extra = {**config["EXTRA_SECTORS"], **overrides.pop("EXTRA_SECTORS", {})}
    config.update(overrides, EXTRA_SECTORS=extra)
    app = create_app(config)
    app.test_client_class = RequestIsolatingClient
    return app


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(migrated_url: str) -> Iterator[Flask]:
    app = make_app(migrated_url)
    with app.app_context():
        set_scope(db.session, ALL_TENANTS)
        yield app
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # A connection a failed test left inside a transaction would block TRUNCATE
            # for ever; fail this test's teardown by name instead.
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("UPDATE tenants SET active_policy_version_id = NULL"))
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_tenant(slug: str, sector: str = "sample", **kwargs: Any) -> Tenant:
    tenant = create_tenant(
        db.session,
        sectors(),
        slug=slug,
        name=kwargs.pop("name", f"Tenant {slug}"),
        sector=sector,
        ticket_prefix=kwargs.pop("ticket_prefix", slug.replace("-", "")[:6].upper()),
        **kwargs,
    )
    db.session.commit()
    return tenant


def make_user(tenant: Tenant | None, role: str, email: str | None = None) -> User:
    slug = tenant.slug if tenant else "platform"
    user = create_user(
        db.session,
        email=email or f"{role}@{slug}.example.com",
        display_name=f"{role} of {slug}",
        password=PASSWORD,
        role=role,
        tenant=tenant,
    )
    db.session.commit()
    return user


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def tmp_instance(tmp_path: Path) -> Path:
    return tmp_path
