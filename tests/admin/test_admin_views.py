"""The tenant admin's and platform admin's views, through HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ApiKey, AuditEntry, Department, JobRun, Milestone, Tenant, User
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.admin.forms import form_fields
from tests.conftest import PASSWORD, csrf_token, login, make_tenant, make_user
from tests.test_api import bearer
from tests.test_ticket_page import new_ticket

EN = {"Accept-Language": "en"}


@pytest.fixture
def tenant(app):
    return make_tenant("alpha")


@pytest.fixture
def admin(client, tenant):
    make_user(tenant, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    return client


def audit(object_type: str) -> list[AuditEntry]:
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        query = select(AuditEntry).where(AuditEntry.object_type == object_type)
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def new_form(client, path: str) -> dict[str, str]:
    return form_fields(client.get(path).get_data(as_text=True))


def test_an_admin_adds_a_user_who_can_then_sign_in(app, admin, tenant):
    fields = new_form(admin, "/admin/users/new/")
    response = admin.post(
        "/admin/users/new/",
        data={
            **fields,
            "email": "Wang.Fang@Example.com",
            "display_name": "Wang Fang",
            "password": PASSWORD,
            "role": "supervisor",
        },
    )
    assert response.status_code == 302
    (entry,) = audit("users")[-1:]
    assert entry.action == "create" and entry.after["role"] == "supervisor"
    assert "password_hash" not in entry.after
    other = app.test_client()
    assert login(other, "wang.fang@example.com").status_code == 302
    assert other.get("/desk/").status_code == 200


def test_a_user_with_a_taken_email_or_short_password_is_refused_on_the_form(admin, tenant):
    fields = new_form(admin, "/admin/users/new/")
    data = {**fields, "email": "tenant_admin@alpha.example.com", "display_name": "X"}
    page = admin.post("/admin/users/new/", data={**data, "password": "short", "role": "agent"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "already a user" in html and "at least" in html
    with tenant_scope(db.session, tenant.id):
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_admin_cannot_demote_or_deactivate_themself(admin, tenant):
    with tenant_scope(db.session, tenant.id):
        me = db.session.scalar(select(User))
    fields = new_form(admin, f"/admin/users/edit/?id={me.id}")
    admin.post(f"/admin/users/edit/?id={me.id}", data={**fields, "role": "agent"})
    db.session.expire_all()
    with tenant_scope(db.session, tenant.id):
        assert db.session.get(User, me.id).role == "tenant_admin"


def test_departments_form_a_tree_without_cycles(admin, tenant):
    fields = new_form(admin, "/admin/departments/new/")
    admin.post("/admin/departments/new/", data={**fields, "code": "hq", "name": "Head office"})
    with tenant_scope(db.session, tenant.id):
        hq = db.session.scalar(select(Department).where(Department.code == "hq"))
    fields = new_form(admin, "/admin/departments/new/")
    admin.post(
        "/admin/departments/new/",
        data={**fields, "code": "care", "name": "Care", "parent": str(hq.id)},
    )
    listing = admin.get("/admin/departments/").get_data(as_text=True)
    assert listing.count("Head office") == 2, "its own row, and as the part Care belongs to"
    with tenant_scope(db.session, tenant.id):
        care = db.session.scalar(select(Department).where(Department.code == "care"))
    fields = new_form(admin, f"/admin/departments/edit/?id={hq.id}")
    page = admin.post(
        f"/admin/departments/edit/?id={hq.id}",
        data={**fields, "parent": str(care.id)},
        follow_redirects=True,
        headers=EN,
    )
    assert "cannot be part of itself" in page.get_data(as_text=True)
    db.session.expire_all()
    with tenant_scope(db.session, tenant.id):
        assert db.session.get(Department, hq.id).parent_id is None


def test_bulk_delete_removes_only_the_chosen_rows(admin, tenant):
    with tenant_scope(db.session, tenant.id):
        db.session.add_all([Department(code="a", name="A"), Department(code="b", name="B")])
        db.session.commit()
        a = db.session.scalar(select(Department.id).where(Department.code == "a"))
    token = csrf_token(admin, "/admin/departments/")
    response = admin.post(
        "/admin/departments/action/", data={"action": "delete", "rowid": a, "csrf_token": token}
    )
    assert response.status_code == 302
    with tenant_scope(db.session, tenant.id):
        assert list(db.session.scalars(select(Department.code))) == ["b"]
    assert [e.action for e in audit("departments")] == ["delete"]


def test_an_api_key_is_shown_once_stored_hashed_and_revocable(admin, tenant):
    fields = new_form(admin, "/admin/api_keys/issue/")
    page = admin.post("/admin/api_keys/issue/", data={**fields, "name": "IVR"}, headers=EN)
    secret = re.search(r'<pre[^>]*id="api-key">([^<]+)</pre>', page.get_data(as_text=True))
    assert secret, "the key is shown on the page that issued it"
    key = secret.group(1).strip()
    assert admin.get("/api/v1/tickets?limit=1", headers=bearer(key)).status_code == 200
    listing = admin.get("/admin/api_keys/").get_data(as_text=True)
    assert "IVR" in listing and key not in listing
    with tenant_scope(db.session, tenant.id):
        row = db.session.scalar(select(ApiKey))
        assert key not in row.key_hash
    token = csrf_token(admin, "/admin/api_keys/")
    admin.post(
        "/admin/api_keys/action/", data={"action": "revoke", "rowid": row.id, "csrf_token": token}
    )
    assert admin.get("/api/v1/tickets?limit=1", headers=bearer(key)).status_code == 401
    assert [e.action for e in audit("api_keys")] == ["create", "update"]


def test_business_hours_are_checked_and_saved(admin, tenant):
    fields = new_form(admin, "/admin/hours/")
    assert fields.get("standard") == "y"
    fields.pop("standard")
    bad = admin.post("/admin/hours/", data={**fields, "day1": "17:00-09:00"}, headers=EN)
    assert bad.status_code == 200 and "must be in order" in bad.get_data(as_text=True)
    good = admin.post(
        "/admin/hours/", data={**fields, "day1": "08:30-12:00, 13:00-18:00", "day6": "09:00-12:00"}
    )
    assert good.status_code == 302
    db.session.expire_all()
    with tenant_scope(db.session, ALL_TENANTS):
        saved = db.session.get(Tenant, tenant.id)
        assert saved.business_hours == {
            "1": [["08:30", "12:00"], ["13:00", "18:00"]],
            "6": [["09:00", "12:00"]],
        }
        assert saved.calendar_revision == 1
    assert audit("tenants")[-1].after["business_hours"]["6"] == [["09:00", "12:00"]]


def test_an_own_day_off_changes_the_tenants_calendar(admin, tenant):
    fields = new_form(admin, "/admin/calendar_days/new/")
    response = admin.post(
        "/admin/calendar_days/new/",
        data={**fields, "day": "2026-12-24", "kind": "rest", "note": "Founders' day"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    with tenant_scope(db.session, ALL_TENANTS):
        assert db.session.get(Tenant, tenant.id).calendar_revision == 1


def test_the_audit_log_is_read_only_for_everyone(app, admin, tenant):
    new_form(admin, "/admin/departments/new/")
    assert admin.get("/admin/audit/new/").status_code in (302, 403, 404)
    platform = app.test_client()
    make_user(None, "platform_admin")
    login(platform, "platform_admin@platform.example.com")
    page = platform.get("/admin/audit/")
    assert page.status_code == 200 and "/admin/audit/edit/" not in page.get_data(as_text=True)
    assert platform.get("/admin/audit/delete/").status_code in (302, 403, 404, 405)


def test_run_the_review_now_covers_the_own_tenant_once_a_minute(admin, tenant):
    other = make_tenant("bravo")
    for owner in (tenant, other):
        number = new_ticket(owner)
        with tenant_scope(db.session, owner.id):
            for milestone in db.session.scalars(select(Milestone)):
                milestone.due_at = milestone.started_at
            db.session.commit()
    token = csrf_token(admin, "/admin/job_runs/")
    first = admin.post(
        "/admin/job_runs/run-review/", data={"csrf_token": token}, follow_redirects=True, headers=EN
    )
    assert "Review done" in first.get_data(as_text=True)
    again = admin.post(
        "/admin/job_runs/run-review/", data={"csrf_token": token}, follow_redirects=True, headers=EN
    )
    assert "less than a minute ago" in again.get_data(as_text=True)
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        runs = list(db.session.scalars(select(JobRun)))
        assert [(r.tenant_id, r.counts["milestones_breached"] > 0) for r in runs] == [
            (tenant.id, True)
        ]
        breached = dict(
            db.session.execute(
                select(Milestone.tenant_id, func.count())
                .where(Milestone.breached_at.is_not(None))
                .group_by(Milestone.tenant_id)
            ).all()
        )
        assert other.id not in breached and breached[tenant.id] >= 1
    assert number


def test_the_platform_admin_creates_a_tenant_with_its_first_admin(app, client):
    make_user(None, "platform_admin")
    login(client, "platform_admin@platform.example.com")
    fields = new_form(client, "/admin/tenants/new/")
    assert "sample" in client.get("/admin/tenants/new/").get_data(as_text=True)
    data = {
        **fields,
        "slug": "gamma",
        "name": "Gamma Estates",
        "sector": "sample",
        "ticket_prefix": "GAM",
        "timezone": "Asia/Urumqi",
        "locale": "en",
        "admin_email": "boss@gamma.example.com",
        "admin_name": "Boss",
        "admin_password": PASSWORD,
        "active": "y",
    }
    bad = client.post("/admin/tenants/new/", data={**data, "slug": "Not A Slug"})
    assert bad.status_code == 200 and "lowercase" in bad.get_data(as_text=True)
    assert client.post("/admin/tenants/new/", data=data).status_code == 302
    with tenant_scope(db.session, ALL_TENANTS):
        gamma = db.session.scalar(select(Tenant).where(Tenant.slug == "gamma"))
        assert gamma is not None and gamma.timezone == "Asia/Urumqi"
        assert gamma.active_policy_version_id is not None
    boss = app.test_client()
    login(boss, "boss@gamma.example.com")
    assert boss.get("/admin/policy/").status_code == 200


def test_the_plugin_page_names_a_sector_that_failed_to_load(app, client):
    from tests.conftest import make_app

    broken = make_app(
        app.config["DATABASE_URL"], EXTRA_SECTORS={"broken": "tests.plugins.broken_import"}
    )
    with broken.app_context(), tenant_scope(db.session, ALL_TENANTS):
        make_user(None, "platform_admin")
    visitor = broken.test_client()
    login(visitor, "platform_admin@platform.example.com")
    page = visitor.get("/admin/plugins/").get_data(as_text=True)
    assert "broken" in page and "table-danger" in page and "sample" in page


def test_admin_pages_speak_chinese(admin):
    page = admin.get("/admin/policy/", headers={"Accept-Language": "zh-CN"})
    assert "策略版本" in page.get_data(as_text=True)
