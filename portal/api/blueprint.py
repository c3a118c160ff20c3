"""The API's blueprints: the authenticated operations, and their public description."""

from __future__ import annotations

from flask import Blueprint

PREFIX = "/api/v1"

#: Every operation of the route table; each request needs an API key.
bp = Blueprint("api", __name__, url_prefix=PREFIX)

#: The OpenAPI document and its page: public, so a developer can read before asking.
docs_bp = Blueprint("api_docs", __name__, url_prefix=PREFIX, template_folder="templates")
