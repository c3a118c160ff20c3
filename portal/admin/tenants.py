"""The platform admin's views: tenants (with their first admin) and plugin status."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from flask import flash
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.admin.audit import record_change
from portal.admin.base import AdminPage, TenantModelView
from portal.extensions import db
from portal.i18n import LOCALES
from portal.models import Role
from portal.plugins import sectors
from portal.tenants import create_tenant
from portal.users import create_user
from portal.validation import InvalidInput


def _known_zone(form: Any, field: Any) -> None:
    if field.data not in available_timezones():
        raise ValidationError(str(_l("Unknown time zone; e.g. Asia/Shanghai.")))


class TenantView(TenantModelView):
    roles = (Role.PLATFORM_ADMIN,)
    can_delete = False  # deactivate instead: tickets and their history stay
    column_list = ("slug", "name", "sector", "timezone", "locale", "active", "created_at")
    column_searchable_list = ("slug", "name")
    column_filters = ("sector", "active")
    column_labels = {
        "slug": _l("Slug"),
        "name": _l("Name"),
        "sector": _l("Sector"),
        "timezone": _l("Time zone"),
        "locale": _l("Language"),
        "active": _l("Active"),
        "created_at": _l("Created"),
        "ticket_prefix": _l("Ticket prefix"),
    }
    form_columns = ("name", "timezone", "locale", "active")
    form_overrides = {"locale": SelectField}
    form_args = {
        "name": {"validators": [DataRequired(), Length(max=200)]},
        "timezone": {"validators": [DataRequired(), _known_zone]},
        "locale": {"choices": [(x, x) for x in LOCALES]},
    }

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        form.sector.choices = [(key, key) for key in sectors().loaded()]
        return form

    def get_create_form(self) -> Any:
        form = self.get_form()
        form.slug = StringField(_l("Slug (in the customer pages' address)"), [DataRequired()])
        form.sector = SelectField(_l("Sector"), [DataRequired()], choices=[])
        form.ticket_prefix = StringField(_l("Ticket prefix"), [DataRequired()])
        form.admin_email = EmailField(_l("First tenant admin: e-mail"), [DataRequired()])
        form.admin_name = StringField(_l("First tenant admin: name"), [DataRequired()])
        form.admin_password = PasswordField(_l("First tenant admin: password"), [DataRequired()])
        return form

    def create_model(self, form: Any) -> Any:
        try:
            tenant = create_tenant(
                db.session,
                sectors(),
                slug=form.slug.data,
                name=form.name.data,
                sector=form.sector.data,
                ticket_prefix=form.ticket_prefix.data,
                timezone=form.timezone.data,
                locale=form.locale.data,
                author=current_user,
            )
            admin = create_user(
                db.session,
                email=form.admin_email.data,
                display_name=form.admin_name.data,
                password=form.admin_password.data,
                role=Role.TENANT_ADMIN,
                tenant=tenant,
            )
        except InvalidInput as exc:
            db.session.rollback()
            for field, message in exc.problems.items():
                target = field if field in form else f"admin_{field}"
                if target in form:
                    form[target].errors = [*form[target].errors, message]
                else:
                    flash(message, "error")
            return False
        tenant.active = form.active.data
        record_change(db.session, tenant, tenant, current_user, created=True)
        secret = frozenset({"password_hash"})
        record_change(db.session, admin, tenant, current_user, exclude=secret, created=True)
        db.session.commit()
        return tenant


class PluginsView(AdminPage):
    roles = (Role.PLATFORM_ADMIN,)

    @expose("/")
    def index(self) -> Any:
        return self.render("admin/tousu/plugins.html", registry=sectors())
