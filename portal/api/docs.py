"""The API's public description: the OpenAPI document, and a page for people that
renders the same document (no CDN, no script), so the page cannot drift either."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask import jsonify, render_template
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.api.blueprint import docs_bp
from portal.api.openapi import document

#: JSON Schema keywords shown as constraints next to a field's type.
CONSTRAINTS = {
    "minLength": "min length",
    "maxLength": "max length",
    "minimum": "≥",
    "maximum": "≤",
    "pattern": "pattern",
    "default": "default",
}


@dataclass(frozen=True)
class Row:
    name: str
    type: Markup
    required: bool
    notes: str


def linked(type_text: str, names: Collection[str]) -> Markup:
    """``type_text`` with each schema name in it linked to that schema's section."""
    parts = re.split(r"([A-Za-z_][\w-]*)", type_text)
    return Markup("").join(
        Markup('<a href="#schema-{0}">{0}</a>').format(part) if part in names else part
        for part in parts
    )


def type_name(schema: dict[str, Any]) -> str:
    """A short reading of a JSON Schema type: ``Status | null``, ``list of Event``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " | ".join(type_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_name(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _notes(schema: dict[str, Any]) -> str:
    limits = "; ".join(
        f"{label} {schema[key]!r}" if key in ("pattern", "default") else f"{label} {schema[key]}"
        for key, label in CONSTRAINTS.items()
        if key in schema
    )
    description = str(schema.get("description") or "")
    return f"{description} ({limits})".strip() if limits else description


def rows(schema: dict[str, Any], names: Collection[str]) -> list[Row]:
    required = set(schema.get("required", []))
    return [
        Row(name, linked(type_name(prop), names), name in required, _notes(prop))
        for name, prop in schema.get("properties", {}).items()
    ]


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    names = doc["components"]["schemas"].keys()
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "description": op.get("description", ""),
                    "tag": op["tags"][0],
                    "parameters": [
                        Row(
                            f"{p['name']} ({p['in']})",
                            linked(type_name(p["schema"]), names),
                            p["required"],
                            _notes({**p["schema"], **{"description": p.get("description", "")}}),
                        )
                        for p in op["parameters"]
                    ],
                    "body": linked(type_name(body["schema"]), names) if body else None,
                    "responses": [
                        (
                            status,
                            r["description"],
                            linked(type_name(r["content"]["application/json"]["schema"]), names),
                        )
                        for status, r in op["responses"].items()
                    ],
                }
            )
    return operations


@docs_bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(document())


@docs_bp.get("/docs")
def docs_page() -> str:
    doc = document()
    names = doc["components"]["schemas"].keys()
    schemas = {name: rows(schema, names) for name, schema in doc["components"]["schemas"].items()}
    enums = {
        name: " | ".join(map(str, schema["enum"]))
        for name, schema in doc["components"]["schemas"].items()
        if "enum" in schema
    }
    return render_template(
        "api/docs.html",
        info=doc["info"],
        tags=doc["tags"],
        operations=_operations(doc),
        schemas=schemas,
        enums=enums,
    )
