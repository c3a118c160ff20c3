"""Response headers that tell the browser what it may do with our pages.

The Content-Security-Policy allows scripts from this site only, plus inline scripts
carrying the request's nonce (Flask-Admin puts it on its own; our templates have none),
so a script that slipped into a page through stored text does not run. Styles may be
inline: Flask-Admin and the mail-like pages use ``style`` attributes, and a style
cannot run code.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.wrappers import Response

NONCE_KEY = "tousu_csp_nonce"


def csp_nonce() -> str:
    """The nonce of this request's inline scripts (one per request)."""
    nonce = g.get(NONCE_KEY)
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        setattr(g, NONCE_KEY, nonce)
    return nonce


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not (request.endpoint or "").endswith("static"):
        # Pages and exports hold complainants' data: no cache may keep a copy.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
