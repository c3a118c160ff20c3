"""The platform admin's overview: tenants and the state of the sector plugins."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from portal.auth import roles_required
from portal.extensions import db
from portal.models import Role, Tenant
from portal.plugins import sectors

bp = Blueprint("platform", __name__, url_prefix="/platform")


@bp.route("/")
@roles_required(Role.PLATFORM_ADMIN)
def overview() -> str:
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.slug)).all()
    return render_template("platform/overview.html", tenants=tenants, registry=sectors())
