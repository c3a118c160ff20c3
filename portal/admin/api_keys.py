"""API keys: issued here, shown once, stored hashed, revocable."""

from __future__ import annotations

from typing import Any

from flask import flash, g, request
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.admin.audit import record_change
from portal.admin.base import AdminForm, TenantModelView
from portal.api.auth import create_api_key
from portal.extensions import db
from portal.models import ApiKey, utcnow


class IssueKeyForm(AdminForm):
    name = StringField(_l("What the key is for"), validators=[DataRequired(), Length(max=200)])


class ApiKeyView(TenantModelView):
    list_template = "admin/tousu/api_keys.html"
    can_create = can_edit = can_delete = False
    column_list = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    column_labels = {
        "name": _l("Name"),
        "prefix": _l("Key prefix"),
        "created_at": _l("Issued"),
        "last_used_at": _l("Last used"),
        "revoked_at": _l("Revoked"),
    }
    column_details_exclude_list = column_export_exclude_list = ("key_hash",)
    audit_exclude = frozenset({"key_hash"})
    column_default_sort = ("created_at", True)

    @expose("/issue/", methods=("GET", "POST"))
    def issue_view(self) -> Any:
        form = IssueKeyForm(request.form)
        if request.method == "POST" and form.validate():
            key, secret = create_api_key(
                db.session, g.tenant, name=form.name.data or "", created_by=current_user
            )
            record_change(
                db.session, key, g.tenant, current_user, exclude=self.audit_exclude, created=True
            )
            db.session.commit()
            # Rendered in this response, never redirected through the session cookie.
            return self.render("admin/tousu/api_key_issued.html", key=key, secret=secret)
        return self.render("admin/tousu/api_key_issue.html", form=form)

    @action(
        "revoke", _l("Revoke"), _l("Revoke the selected keys? Programs using them stop working.")
    )
    def revoke(self, ids: list[str]) -> None:
        wanted = [int(i) for i in ids if i.isdigit()]
        keys = self.get_query().filter(ApiKey.id.in_(wanted), ApiKey.revoked_at.is_(None)).all()
        for key in keys:
            key.revoked_at = utcnow()
            record_change(db.session, key, g.tenant, current_user, exclude=self.audit_exclude)
        db.session.commit()
        flash(_("%(count)d keys revoked.", count=len(keys)))
