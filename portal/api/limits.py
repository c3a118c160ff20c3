"""Rate limits per API key (Flask-Limiter).

One budget per key covers every operation (``API_RATE_LIMIT``, e.g. "120 per minute").
Requests without a valid key share a budget per client address, so guessing keys is
throttled too. Counters live in memory by default, which counts per worker process;
production points ``TOUSU_RATELIMIT_STORAGE_URI`` at Redis so all workers share them.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.wrappers import Response

from portal.api.auth import presented_key
from portal.api.blueprint import bp
from portal.api.errors import ApiError, respond

EXTENSION = "tousu.api_limiter"


def _budget_key() -> str:
    key = presented_key()
    return f"key:{key.id}" if key is not None else f"addr:{request.remote_addr}"


def _budget() -> str:
    limit: str = current_app.config["API_RATE_LIMIT"]
    return limit


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(exc: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    wait = max(1, math.ceil(current.reset_at - time.time())) if current else 1
    message = _("Too many requests with this key; try again in %(n)d seconds.", n=wait)
    return respond(ApiError(429, "rate_limited", message, headers={"Retry-After": str(wait)}))


def init_app(app: Flask) -> None:
    app.config.setdefault("API_RATE_LIMIT", "120 per minute")
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # One limiter per application: Flask-Limiter keeps its storage on the instance.
    limiter = Limiter(key_func=_budget_key, key_prefix="tousu-api")
    limiter.init_app(app)
    limiter.shared_limit(_budget, scope="api")(bp)
    app.extensions[EXTENSION] = limiter
