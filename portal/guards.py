"""Request hygiene applied before any view runs."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _


def refuse_nul_characters() -> None:
    """Answer 400 to a request whose path, query or form holds a NUL character.

    No text a person types contains one, and PostgreSQL cannot store or even compare
    it: left alone it would turn a bad request into a 500 on one database only.
    """
    texts = [request.path]
    for multidict in (request.args, request.form):
        for key, values in multidict.lists():
            texts.append(key)
            texts.extend(values)
    if any("\x00" in text for text in texts):
        abort(400, _("The request contains a NUL character."))


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
