"""Configuration: defaults, then ``TOUSU_*`` environment variables, then the caller's.

``TOUSU_DATABASE_URL`` selects the database (SQLite in the instance folder by
default); every other ``TOUSU_X`` sets config key ``X`` (values are parsed as JSON
where they can be, so ``TOUSU_SESSION_COOKIE_SECURE=true`` is a boolean).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Production sets TOUSU_SESSION_COOKIE_SECURE=true behind HTTPS; the embedded
    # default serves plain HTTP on localhost, where a secure cookie would never return.
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Failed sign-ins allowed per account and per client address within the window,
    # counted in the database so every worker sees the same count (docs/security.md).
    "LOGIN_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_FAILURES_PER_ADDRESS": 30,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
    # 0 (direct) ignores the headers, so a client cannot choose the address the login
    # throttle counts; behind one proxy every client would share its address unless 1.
    "TRUSTED_PROXIES": 0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    # Sector plugins loaded from a module path without installing a package:
    # {"hotel": "my_sectors.hotel"}. Installed sectors come from entry points.
    "EXTRA_SECTORS": {},
    "REVIEW_INTERVAL_SECONDS": 60,
    # Rows the review claims and commits at a time (docs/jobs.md).
    "REVIEW_BATCH_SIZE": 2000,
    # Per job id, a schedule replacing the job's own: seconds, or a crontab line read in
    # JOB_TIMEZONE, e.g. {"reports": "15 1 * * *", "<sector>.<job>": 43200}.
    "JOB_SCHEDULES": {},
    "JOB_TIMEZONE": "Asia/Shanghai",
    # How often the reports of the current periods are refreshed (docs/reports.md).
    "REPORTS_INTERVAL_SECONDS": 3600,
    # Notifications (docs/notifications.md). "file" writes .eml files to OUTBOX_DIR
    # (default: instance/outbox), so the embedded default needs no mail server.
    "MAIL_BACKEND": "file",
    "MAIL_FROM": "Tousu <noreply@localhost>",
    "OUTBOX_DIR": None,
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 10,
    "OUTBOX_INTERVAL_SECONDS": 30,
    "OUTBOX_BATCH_SIZE": 100,
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_RETRY_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    # Attachments (docs/desk.md): stored under ATTACHMENT_DIR (default:
    # instance/attachments), never in the database. Types are sniffed from the content.
    "ATTACHMENT_DIR": None,
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "ATTACHMENT_MAX_FILES": 5,
    "ATTACHMENT_TYPES": [
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/heic",
        "application/pdf",
        "audio/mpeg",
        "audio/mp4",
        "audio/x-wav",
        "audio/amr",
    ],
}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _without_prepared_statements(options: Mapping[str, Any]) -> dict[str, Any]:
    """psycopg prepares a statement on the server after five runs, and PostgreSQL may
    then settle on a generic plan that ignores the parameters: the review's claim of
    what is due went from 10 ms to 300 ms that way (docs/performance.md, B2). Unprepared
    statements are also what a transaction-mode PgBouncer needs."""
    connect_args = {"prepare_threshold": None, **options.get("connect_args", {})}
    return {**options, "connect_args": connect_args}


def _instance_secret(instance_path: Path) -> str:
    # Keeps logins valid across restarts of the embedded default without asking a
    # newcomer to invent a key; production sets TOUSU_SECRET_KEY.
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("TOUSU")
    if overrides:
        app.config.from_mapping(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = f"sqlite:///{instance / 'tousu.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _without_prepared_statements(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        )
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Attachments are the largest thing anyone sends; a bigger body is refused with
        # 413 before it is read, not buffered whole.
        files = app.config["ATTACHMENT_MAX_BYTES"] * app.config["ATTACHMENT_MAX_FILES"]
        app.config["MAX_CONTENT_LENGTH"] = files + 1024 * 1024
    # The remember-me cookie is as good as a password: it travels like the session's.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
