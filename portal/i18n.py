"""Languages (zh_Hans_CN, en) and time zones for pages.

Locale: the user's own choice, else the browser's, else the tenant's default.
Time zone: the tenant's (times are stored in UTC and shown in the tenant's zone).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_request_context, request
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from portal.extensions import babel

LOCALES = ("zh_Hans_CN", "en")


def _browser_locale() -> str | None:
    # Browsers send zh-CN / zh; matching them against "zh_Hans_CN" directly fails.
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best is None:
        return None
    return "en" if best == "en" else "zh_Hans_CN"


def select_locale() -> str:
    tenant = g.get("tenant")
    fallback = tenant.locale if tenant else LOCALES[0]
    if not has_request_context():  # the CLI, jobs: the tenant's language
        return fallback
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return str(current_user.locale)
    return _browser_locale() or fallback


def select_timezone() -> str:
    tenant = g.get("tenant")
    return tenant.timezone if tenant else "Asia/Shanghai"


def localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Show a UTC time in the tenant's zone."""
    return "" if value is None else format_datetime(value, fmt)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["get_locale"] = get_locale
