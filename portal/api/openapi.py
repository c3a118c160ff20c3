"""The OpenAPI 3.1 document, written from the route table and the pydantic schemas.

Nothing here describes an operation by hand: paths, parameters, bodies, responses and
the statuses each operation can answer all come from :data:`portal.api.routes.ROUTES`.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from flask_babel import force_locale
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from portal.api.blueprint import PREFIX
from portal.api.routes import ROUTES
from portal.api.routing import Route
from portal.api.schemas import NO_NUL, ErrorResponse

REF = "#/components/schemas/{model}"
Mode = Literal["validation", "serialization"]

#: What each error status means in this API.
ERRORS: dict[int, str] = {
    400: "Malformed request: the body is not JSON, or the path or query holds a NUL character.",
    401: "Missing, unknown or revoked API key.",
    403: "The staff member named in X-Tousu-User has a role that may not take this action.",
    404: "Not found in your organisation (another organisation's tickets are not found).",
    409: "Conflict: the ticket changed since the version you sent, or an Idempotency-Key "
    "was reused with another body.",
    413: "The body is larger than the limit (1 MB by default).",
    415: "The body was not sent as application/json.",
    422: "Refused: `details` names every invalid field, or `message` says why the "
    "workflow refused the action.",
    429: "Too many requests with this key; retry after Retry-After seconds.",
    503: "The organisation's sector plugin is unavailable; retry later.",
}
#: What every authenticated operation may answer.
ALWAYS = (400, 401, 429, 503)

PATH_PARAMS = {
    "number": "The ticket number, e.g. ACME-202609-000001.",
    "kind": "The report kind.",
}

ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "required": True,
            "description": "Bearer: send Authorization: Bearer <key>.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "required": True,
            "description": "Seconds until the key's budget renews.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}

INTRODUCTION = """\
Tousu's API for an organisation's own systems: open complaint tickets, read them and
their timelines, act on them, list them, read reports.

- Authentication: `Authorization: Bearer <key>`. A key belongs to one organisation and
  reaches only its tickets.
- Times are ISO-8601 with an offset, rendered in the organisation's time zone.
- Errors are `{"error": {"code", "message", "details"}}` with a 4xx status.
- Actions are taken on behalf of the staff member named in `X-Tousu-User`.
- Rate limits apply per key; a 429 says when to retry (Retry-After).
"""


def _statuses(route: Route) -> list[int]:
    statuses = set(ALWAYS) | set(route.errors)
    if route.body or route.query or route.headers:
        statuses.add(422)
    if route.body:
        statuses |= {413, 415}
    return sorted(statuses)


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without the ``null`` of its Python default: an optional
    parameter is left out, never sent as null."""
    schema = {k: v for k, v in schema.items() if k not in ("title", "description")}
    if schema.get("default", ...) is None:
        del schema["default"]
    branches = schema.get("anyOf")
    if branches and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        del schema["anyOf"]
        schema = {**rest[0], **schema} if len(rest) == 1 else {**schema, "anyOf": rest}
    return schema


class _Builder:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        pairs: list[tuple[type[BaseModel], Mode]] = [(ErrorResponse, "serialization")]
        for route in routes:
            pairs += [(m, "validation") for m in (route.body, route.query, route.headers) if m]
            pairs.append((route.response, "serialization"))
        unique = list(dict.fromkeys(pairs))
        self.refs, top = models_json_schema(unique, ref_template=REF)
        self.schemas: dict[str, Any] = top.get("$defs", {})
        self.inlined: set[str] = set()

    def ref(self, model: type[BaseModel], mode: Mode) -> dict[str, Any]:
        return dict(self.refs[(model, mode)])

    def _component(self, model: type[BaseModel]) -> tuple[str, dict[str, Any]]:
        name = self.refs[(model, "validation")]["$ref"].rsplit("/", 1)[1]
        return name, self.schemas[name]

    def parameters(self, model: type[BaseModel], where: str) -> list[dict[str, Any]]:
        # Query and header models become parameters; their own component would be unused.
        name, component = self._component(model)
        self.inlined.add(name)
        required = set(component.get("required", []))
        parameters = []
        for prop, schema in component["properties"].items():
            parameter = {
                "name": prop,
                "in": where,
                "required": prop in required,
                "schema": _optional(schema),
            }
            if "description" in schema:
                parameter["description"] = schema["description"]
            parameters.append(parameter)
        return parameters

    def operation(self, route: Route) -> dict[str, Any]:
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "pattern": NO_NUL},
                "description": PATH_PARAMS[name],
            }
            for name in route.path_params
        ]
        if route.query:
            parameters += self.parameters(route.query, "query")
        if route.headers:
            parameters += self.parameters(route.headers, "header")
        success: dict[str, Any] = {
            "description": str(route.summary),
            "content": {"application/json": {"schema": self.ref(route.response, "serialization")}},
        }
        if route.response_headers:
            success["headers"] = {
                name: {"description": meaning, "schema": {"type": "string"}}
                for name, meaning in route.response_headers.items()
            }
        responses: dict[str, Any] = {str(route.status): success}
        for status in _statuses(route):
            responses[str(status)] = {
                "description": ERRORS[status],
                "content": {
                    "application/json": {"schema": self.ref(ErrorResponse, "serialization")}
                },
                **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
            }
        operation: dict[str, Any] = {
            "operationId": route.name,
            "summary": str(route.summary),
            "tags": [route.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if route.description:
            operation["description"] = route.description
        if route.body:
            _, component = self._component(route.body)
            operation["requestBody"] = {
                "required": bool(component.get("required")),
                "content": {"application/json": {"schema": self.ref(route.body, "validation")}},
            }
        return operation

    def document(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for route in self.routes:
            paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = self.operation(route)
        schemas = {k: v for k, v in self.schemas.items() if k not in self.inlined}
        return {
            "openapi": "3.1.0",
            "info": {"title": "Tousu API", "version": "1.0", "description": INTRODUCTION},
            "tags": [
                {"name": "tickets", "description": "Open, read and list tickets."},
                {"name": "actions", "description": "Lifecycle actions on a ticket."},
                {"name": "reports", "description": "Figures built by the reporting jobs."},
            ],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API key made by `flask portal api-key create`.",
                    }
                },
            },
            "security": [{"bearerAuth": []}],
        }


@cache
def document() -> dict[str, Any]:
    """The document; built once, in English whatever the request's language."""
    with force_locale("en"):
        return _Builder(ROUTES).document()
