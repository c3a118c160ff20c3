"""Turning every refusal into the API's JSON error shape, with the fitting status.

The core renders ``{"error": {"code", "message", "details"}}`` for any HTTP error on an
``/api/`` path (see :mod:`portal.errors`); this module adds the API's own refusals, the
workflow's, and the headers a client needs to react (WWW-Authenticate, Allow).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, make_response, request
from flask_babel import gettext as _
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Response

from portal.api.blueprint import PREFIX, bp
from portal.errors import error_response
from portal.validation import InvalidInput
from portal.workflow.perform import ActionRefused


class ApiError(Exception):
    """A refusal with its status, stable code, message and optional details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def invalid(problems: Mapping[str, str]) -> ApiError:
    return ApiError(422, "invalid", _("The request has invalid fields."), problems)


def respond(error: ApiError) -> Response:
    response = make_response(error_response(error.status, error.code, error.message, error.details))
    response.headers.update(error.headers)
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return respond(exc)


@bp.errorhandler(InvalidInput)
def _invalid_input(exc: InvalidInput) -> Response:
    return respond(invalid(exc.problems))


@bp.errorhandler(ActionRefused)
def _action_refused(exc: ActionRefused) -> Response:
    return respond(ApiError(exc.status, exc.code, exc.message))


def _allow_header(response: Response) -> Response:
    # The core's JSON errors drop the Allow header werkzeug puts on a 405; a client (and
    # RFC 9110) needs it to learn which methods the path takes.
    routing = request.routing_exception
    if (
        response.status_code == 405
        and request.path.startswith(PREFIX + "/")
        and isinstance(routing, MethodNotAllowed)
        and routing.valid_methods
    ):
        response.headers["Allow"] = ", ".join(sorted(routing.valid_methods))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_allow_header)
