"""The admin at ``/admin`` (Flask-Admin): tenants and plugins for the platform admin;
users, departments, calendar, API keys and the policy for a tenant admin; the audit
log and the job runs, read-only, for both.

Which rows a view shows is decided by the tenancy layer and ``portal.admin.base``;
which views a user sees, by each view's ``roles``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from portal.admin.api_keys import ApiKeyView
from portal.admin.base import RoleGate
from portal.admin.calendar import BusinessHoursView, CalendarDayView
from portal.admin.policy import PolicyView
from portal.admin.records import AuditView, JobRunView
from portal.admin.staff import DepartmentView, UserView
from portal.admin.tenants import PluginsView, TenantView
from portal.models import (
    ApiKey,
    AuditEntry,
    Department,
    JobRun,
    Role,
    Tenant,
    TenantCalendarDay,
    User,
)
from portal.security import csp_nonce


class Home(RoleGate, AdminIndexView):
    roles = (Role.PLATFORM_ADMIN, Role.TENANT_ADMIN, Role.AUDITOR)

    @expose("/")
    def index(self) -> Any:
        return self.render("admin/tousu/home.html")


def init_app(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Tousu",
        url="/admin",
        index_view=Home(name=_l("Admin"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/tousu/layout.html", fluid=True),
        # Its templates put the nonce on their scripts, which the CSP then lets run.
        csp_nonce_generator=csp_nonce,
    )
    organisation, records = _l("Organisation"), _l("Records")
    admin.add_view(TenantView(Tenant, _l("Tenants"), "tenants"))
    admin.add_view(PluginsView(name=_l("Sector plugins"), endpoint="plugins", url="plugins"))
    admin.add_view(PolicyView(name=_l("Policy"), endpoint="policy", url="policy"))
    admin.add_view(UserView(User, _l("Users"), "users", category=organisation))
    admin.add_view(
        DepartmentView(Department, _l("Departments"), "departments", category=organisation)
    )
    admin.add_view(
        BusinessHoursView(
            name=_l("Business hours"), endpoint="hours", url="hours", category=organisation
        )
    )
    admin.add_view(
        CalendarDayView(
            TenantCalendarDay,
            _l("Own days off and working days"),
            "calendar_days",
            category=organisation,
        )
    )
    admin.add_view(ApiKeyView(ApiKey, _l("API keys"), "api_keys", category=organisation))
    admin.add_view(AuditView(AuditEntry, _l("Audit log"), "audit", category=records))
    admin.add_view(JobRunView(JobRun, _l("Job runs"), "job_runs", category=records))
    return admin
