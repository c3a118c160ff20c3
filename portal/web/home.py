"""``/``: send each user to the page their role works in."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.models import Role

bp = Blueprint("web", __name__)


@bp.route("/")
@login_required
def home() -> Response:
    if current_user.role == Role.PLATFORM_ADMIN:
        return redirect(url_for("platform.overview"))
    return redirect(url_for("desk.queue"))
