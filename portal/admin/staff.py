"""Users and departments of the admin's own tenant."""

from __future__ import annotations

from typing import Any

from flask import flash, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.admin.audit import record_change
from portal.admin.base import TenantModelView
from portal.extensions import db
from portal.i18n import LOCALES
from portal.models import Department, Role, User
from portal.users import create_user
from portal.validation import InvalidInput

TENANT_ROLES = [r for r in Role if r != Role.PLATFORM_ADMIN]
ROLE_LABELS = {
    Role.TENANT_ADMIN: _l("Tenant admin"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.AGENT: _l("Agent"),
    Role.AUDITOR: _l("Auditor"),
}


def _departments() -> list[Department]:
    # Scoped to the tenant by the session; ordered for a readable dropdown.
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def department_path(department: Department | None) -> str:
    names: list[str] = []
    seen: set[int] = set()
    while department is not None and department.id not in seen:
        seen.add(department.id)
        names.append(department.name)
        department = department.parent
    return " / ".join(reversed(names))


class UserView(TenantModelView):
    column_list = ("email", "display_name", "role", "department", "active", "last_login_at")
    column_searchable_list = ("email", "display_name")
    column_filters = ("role", "active")
    column_labels = {
        "email": _l("E-mail"),
        "display_name": _l("Name"),
        "role": _l("Role"),
        "department": _l("Department"),
        "active": _l("Active"),
        "last_login_at": _l("Last sign-in"),
    }
    column_formatters = {
        "role": lambda v, c, m, n: ROLE_LABELS.get(m.role, m.role),
        "department": lambda v, c, m, n: department_path(m.department),
    }
    column_details_exclude_list = ("password_hash",)
    # Exports are streamed after the request's session is gone: no lazy relationships.
    column_export_list = ("email", "display_name", "role", "active", "last_login_at")
    form_columns = ("email", "display_name", "role", "department", "locale", "active")
    form_overrides = {"role": SelectField, "locale": SelectField}
    form_args = {
        "role": {"choices": [(r.value, ROLE_LABELS[r]) for r in TENANT_ROLES]},
        "locale": {
            "choices": [("", _l("Browser's language")), *[(x, x) for x in LOCALES]],
            "validators": [Optional()],
        },
        "department": {"query_factory": _departments, "get_label": department_path},
    }
    audit_exclude = frozenset({"password_hash"})
    can_delete = False  # their events and notes name them; deactivate instead

    def on_form_prefill(self, form: Any, id: Any) -> None:
        form.email.render_kw = {"readonly": True}

    def create_model(self, form: Any) -> Any:
        try:
            user = create_user(
                db.session,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                role=form.role.data,
                tenant=g.tenant,
            )
        except InvalidInput as exc:
            for field, message in exc.problems.items():
                if field in form:
                    form[field].errors = [*form[field].errors, message]
                else:
                    flash(message, "error")
            db.session.rollback()
            return False
        user.department = form.department.data
        user.locale = form.locale.data or None
        user.active = form.active.data
        record_change(
            db.session, user, g.tenant, current_user, exclude=self.audit_exclude, created=True
        )
        db.session.commit()
        return user

    def update_model(self, form: Any, model: User) -> bool:
        if model.id == current_user.id and (
            form.role.data != Role.TENANT_ADMIN or not form.active.data
        ):
            flash(str(_l("You cannot remove your own admin role or deactivate yourself.")), "error")
            return False
        form.email.data = model.email  # the sign-in name does not change here
        return bool(super().update_model(form, model))

    def scaffold_form(self) -> Any:
        form = super().scaffold_form()
        form.email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
        form.display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
        form.active = BooleanField(_l("Active"), default=True)
        form.password = PasswordField(_l("Password (new users only)"))
        return form


class DepartmentView(TenantModelView):
    column_list = ("code", "name", "parent")
    column_default_sort = "code"
    column_searchable_list = ("code", "name")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "parent": _l("Part of")}
    column_formatters = {"parent": lambda v, c, m, n: department_path(m.parent)}
    column_export_list = ("code", "name")
    form_columns = ("code", "name", "parent")
    form_args = {
        "code": {"validators": [DataRequired(), Length(max=63)]},
        "name": {"validators": [DataRequired(), Length(max=200)]},
        "parent": {"query_factory": _departments, "get_label": department_path},
    }

    def on_model_change(self, form: Any, model: Department, is_created: bool) -> None:
        ancestor = model.parent
        while ancestor is not None:
            if ancestor is model:
                raise InvalidInput({"parent": str(_l("A department cannot be part of itself."))})
            ancestor = ancestor.parent
        super().on_model_change(form, model, is_created)
