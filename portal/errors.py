"""Error pages and JSON errors: a clear message for every refusal, never a bare 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.plugins import SectorUnavailable


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, details: Any = None) -> Any:
    if _wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return jsonify(body), status
    page = render_template("errors/page.html", status=status, message=message)
    return page, status


def _http_error(exc: HTTPException) -> Any:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)


def _csrf_error(exc: CSRFError) -> Any:
    return error_response(400, "csrf", _("The form expired or was not sent from this site."))


def _sector_unavailable(exc: SectorUnavailable) -> Any:
    message = _(
        "The rules of this organisation's sector (%(sector)s) are unavailable. "
        "The platform administrator has been told; please try again later.",
        sector=exc.key,
    )
    return error_response(503, "sector_unavailable", message)


def _database_unavailable(exc: OperationalError | InterfaceError) -> Any:
    # The transaction died with its connection, so nothing of it was written; the pool
    # drops the dead connection and pre-ping tests the next one before use.
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.remove()
    current_app.logger.error("database unavailable: %s", exc.orig or exc)
    message = _("The database is unavailable. Nothing was saved; please try again shortly.")
    response = error_response(503, "database_unavailable", message)
    return *response, {"Retry-After": "30"}


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SectorUnavailable, _sector_unavailable)
