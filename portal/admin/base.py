"""What every admin view shares: who may open it, its form base, and its scoping.

Rows are scoped by the tenancy layer (``portal.tenancy``): the request's session is
bound to the signed-in user's tenant before any view runs, so list, count, filter,
export and form-choice queries all carry the tenant filter without a view asking.
Two gaps remain and are closed here: ``get_one`` (Flask-Admin reads by primary key
through ``session.get``, which can answer from the identity map) and the tables that
are not tenant-scoped (audit log, job runs), which views filter explicitly.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.actions import action
from flask_admin.babel import Translations
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from portal.admin.audit import record_change, record_deletion
from portal.extensions import db
from portal.models import Role
from portal.reports.export import neutralise
from portal.tenancy import get_in_scope
from portal.validation import InvalidInput


class AdminForm(FlaskForm):
    """Flask-WTF's CSRF token (the one ``CSRFProtect`` checks on every POST), with the
    two things Flask-Admin expects of its own base form."""

    class Meta:
        _translations = Translations()

        def get_translations(self, form: Any) -> Translations:
            return self._translations

    def __init__(self, formdata: Any = None, obj: Any = None, prefix: str = "", **kw: Any):
        self._obj = obj  # Flask-Admin's Unique validator reads it
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kw)


class RoleGate:
    """Open to signed-in staff holding one of ``roles``; the login page for others."""

    roles: tuple[Role, ...] = (Role.TENANT_ADMIN,)

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated and current_user.role in self.roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))


class AdminPage(RoleGate, BaseView):
    """A hand-built admin page (not a model list)."""


class SafeExport:
    """CSV exports whose cells a spreadsheet shows as text, never runs as a formula:
    a name or a typed sign-in e-mail starting with ``=`` is someone's input."""

    def get_export_value(self, model: Any, name: str) -> Any:
        value = super().get_export_value(model, name)  # type: ignore[misc]
        return neutralise(value) if isinstance(value, str) else value


class TenantModelView(SafeExport, RoleGate, ModelView):
    """A list/create/edit view over one tenant-scoped model, every change audited."""

    form_base_class = AdminForm
    can_view_details = True
    can_export = True
    export_types = ["csv"]
    page_size = 50
    #: Columns never written to the audit log (secrets and their hashes).
    audit_exclude: frozenset[str] = frozenset()

    def __init__(self, model: type, name: str, endpoint: str, **kw: Any) -> None:
        super().__init__(model, db, name=name, endpoint=endpoint, **kw)

    @action("delete", _l("Delete"), _l("Delete the selected rows?"))
    def action_delete(self, ids: list[str]) -> Any:
        # psycopg 3 sends the ids as typed text, which PostgreSQL will not compare with
        # an integer key; anything not a number names no row.
        return super().action_delete([int(i) for i in ids if i.isdigit()])

    def get_one(self, id: Any) -> Any:
        return get_in_scope(db.session, self.model, int(id)) if str(id).isdigit() else None

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        record_change(db.session, model, g.tenant, current_user, exclude=self.audit_exclude)

    def on_model_delete(self, model: Any) -> None:
        record_deletion(db.session, model, g.tenant, current_user, exclude=self.audit_exclude)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, InvalidInput):
            for message in exc.problems.values():
                flash(message, "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(_("Not saved: the value is already taken, or the row is still in use."), "error")
            return True
        return bool(super().handle_view_exception(exc))
