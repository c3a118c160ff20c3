"""The route table's machinery: one :class:`Route` per operation drives its URL rule, the
validation of its body, query and headers, its response, and its OpenAPI description.

A handler receives the path parameters and, when the route declares them, ``body``,
``query`` and ``headers`` as validated models; it returns the response model (and
optionally extra headers). Every problem of a request is reported in one 422.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from portal.api.errors import ApiError, invalid

Answer = BaseModel | tuple[BaseModel, Mapping[str, str]]

ENVIRON_BODY = "tousu.api_body"
#: JSON numbers beyond 64 bits fit no column and no client language's integers.
INT_LIMIT = 2**63


@dataclass(frozen=True)
class Route:
    name: str  # the Flask endpoint and the OpenAPI operationId
    method: str
    path: str  # below the API prefix, OpenAPI style: /tickets/{number}
    handler: Callable[..., Answer]
    summary: object  # text, or lazy text: the document renders it in English
    response: type[BaseModel]
    status: int = 200
    description: str = ""
    tag: str = "tickets"
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: type[BaseModel] | None = None
    #: Statuses this operation answers beyond those every operation may (see openapi.py).
    errors: tuple[int, ...] = ()
    #: Response headers of the success answer: name -> meaning.
    response_headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _problem(value: Any) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains invalid Unicode"
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int) and not -INT_LIMIT <= value < INT_LIMIT:
        return "is out of range (64-bit integers)"
    elif isinstance(value, float) and not math.isfinite(value):
        return "is out of range"
    return None


def _unacceptable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first value no column could hold, with where it is: text with a NUL or a
    lone surrogate (PostgreSQL stores neither) or a number beyond 64 bits. Refusing
    them up front keeps a bad request from turning into a 500 on one database only."""
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        problem = _problem(value)
        return (path or "body", problem) if problem else None
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        found = _unacceptable(key, where) or _unacceptable(item, where)
        if found:
            return found
    return None


def json_body() -> Any:
    """The request's JSON body, parsed once; an empty body reads as ``{}``."""
    if ENVIRON_BODY in request.environ:
        return request.environ[ENVIRON_BODY]
    limit: int = current_app.config["API_MAX_CONTENT_LENGTH"]
    # Read through the limit by hand: the core's request guards may have opened the
    # stream before this blueprint could set request.max_content_length.
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", _("The body is larger than %(n)d bytes.", n=limit))
    if not data.strip():
        parsed: Any = {}
    elif not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", _("Send the body as Content-Type: application/json.")
        )
    else:
        try:
            parsed = json.loads(data, parse_constant=_refuse_constant)
            unacceptable = _unacceptable(parsed)
        except (ValueError, RecursionError):
            raise ApiError(400, "malformed_json", _("The body is not valid JSON.")) from None
        if unacceptable:
            raise invalid(dict([unacceptable]))
    request.environ[ENVIRON_BODY] = parsed
    return parsed


def _problems(exc: ValidationError, place: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or place
        problems.setdefault(where, error["msg"])
    return problems


def _header_values(model: type[BaseModel]) -> dict[str, str]:
    names = [f.alias or name for name, f in model.model_fields.items()]
    return {name: request.headers[name] for name in names if name in request.headers}


def _inputs(route: Route) -> dict[str, Any]:
    """The route's validated body, query and headers; one 422 lists every problem."""
    sources: list[tuple[str, type[BaseModel] | None, Callable[[], Any]]] = [
        ("body", route.body, json_body),
        ("query", route.query, lambda: request.args.to_dict()),
        ("headers", route.headers, lambda: _header_values(route.headers or BaseModel)),
    ]
    inputs: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for place, model, read in sources:
        if model is None:
            continue
        try:
            inputs[place] = model.model_validate(read())
        except ValidationError as exc:
            problems.update(_problems(exc, place))
    if problems:
        raise invalid(problems)
    return inputs


def _view(route: Route) -> Callable[..., Response]:
    def view(**params: str) -> Response:
        answer = route.handler(**params, **_inputs(route))
        model, headers = (answer, {}) if isinstance(answer, BaseModel) else answer
        return Response(
            model.model_dump_json(),
            status=route.status,
            headers=dict(headers),
            mimetype="application/json",
        )

    view.__name__ = route.name
    return view


def register(bp: Blueprint, routes: Iterable[Route]) -> None:
    for route in routes:
        bp.add_url_rule(route.rule, route.name, _view(route), methods=[route.method])
