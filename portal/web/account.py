"""The signed-in user's own settings: the language of the pages.

``User.locale`` is what :func:`portal.i18n.select_locale` prefers; empty means the
browser's language.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from portal.extensions import db
from portal.i18n import LOCALES

bp = Blueprint("account", __name__, url_prefix="/account")

#: What each choice is called in its own language, so anyone can find theirs.
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    if request.method == "GET":
        return _page()
    choice = request.form.get("locale", "")
    if choice and choice not in LOCALES:
        return _page(_("Choose one of the languages offered."), 400)
    current_user.locale = choice or None
    db.session.commit()
    refresh()  # so the confirmation is said in the language just chosen
    flash(_("Your language is saved."), "info")
    return redirect(url_for(".settings"), code=303)


def _page(problem: str = "", status: int = 200) -> Any:
    html = render_template(
        "account/settings.html",
        languages=[(key, LANGUAGE_NAMES[key]) for key in LOCALES],
        chosen=current_user.locale or "",
        problem=problem,
    )
    return html, status
