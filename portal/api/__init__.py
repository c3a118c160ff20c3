"""The public JSON API (``/api/v1``) and its OpenAPI document; see docs/api.md.

Importing the package attaches the operations (:mod:`portal.api.routes`), the key check
(:mod:`portal.api.auth`) and the error handlers to the API blueprint.
"""

from __future__ import annotations

from flask import Flask

from portal.api import auth, docs, errors, limits, routes
from portal.api.blueprint import bp, docs_bp
from portal.extensions import csrf

__all__ = ["auth", "docs", "init_app", "routes"]

#: 1 MB: a complaint with long text fits many times over; an upload does not belong here.
MAX_BODY = 1024 * 1024


def init_app(app: Flask) -> None:
    app.config.setdefault("API_MAX_CONTENT_LENGTH", MAX_BODY)
    # A bearer key is no ambient credential a browser could be tricked into sending.
    csrf.exempt(bp)
    errors.init_app(app)
    limits.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
