"""Tousu: a multi-tenant complaint-management portal with pluggable sector rules."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI application.

    ``config`` overrides the defaults and the ``TOUSU_*`` environment (tests pass
    their database URL here). Plugins load here; the scheduler never starts here
    (it runs in its own process, see ``flask portal scheduler``).
    """
    from portal import (
        admin,
        api,
        auth,
        cli,
        errors,
        guards,
        i18n,
        notifications,
        security,
        tenancy,
        web,
    )
    from portal.config import load_config
    from portal.database import tune_connections
    from portal.extensions import csrf, db, migrate
    from portal.plugins import build_registry

    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)

    tenancy.install()
    notifications.init_app(app)
    db.init_app(app)
    with app.app_context():
        tune_connections(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    app.extensions["tousu.sectors"] = build_registry(app.config["EXTRA_SECTORS"])

    guards.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    web.init_app(app)
    admin.init_app(app)
    cli.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
