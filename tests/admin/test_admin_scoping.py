"""A tenant admin of one tenant reaches no row of another through any admin view.

The test walks every registered admin view, so a view added later is covered without
touching this file: its list, export, details, edit, delete and actions are tried with
the ids of the other tenant's rows, and the other tenant's rows must come out unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import inspect, select

from portal.api.auth import create_api_key
from portal.extensions import db
from portal.models import AuditEntry, Department, JobRun, TenantCalendarDay, User
from portal.plugins import sectors
from portal.policy.versions import active_version, save_version
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.admin.forms import form_fields
from tests.conftest import csrf_token, login, make_tenant, make_user

SECRET = "BRAVO-SECRET"


def _fill(tenant, marker: str) -> None:
    with tenant_scope(db.session, tenant.id):
        parent = Department(code=f"{marker}-hq", name=f"{marker} head office")
        db.session.add_all(
            [
                parent,
                Department(code=f"{marker}-care", name=f"{marker} care", parent=parent),
                TenantCalendarDay(day=date(2026, 12, 24), kind="rest", note=f"{marker} eve"),
            ]
        )
        create_api_key(db.session, tenant, name=f"{marker} hotline")
        db.session.add(
            AuditEntry(
                tenant_id=tenant.id,
                action="update",
                object_type="departments",
                object_id=marker,
                after={"name": marker},
            )
        )
        db.session.add(
            JobRun(job="review", slot=f"{marker}@{tenant.id}", tenant_id=tenant.id, counts={})
        )
        db.session.commit()


@pytest.fixture
def world(app):
    alpha, bravo = make_tenant("alpha"), make_tenant("bravo")
    for tenant, marker in ((alpha, "ALPHA-OWN"), (bravo, SECRET)):
        _fill(tenant, marker)
    make_user(bravo, "agent", email="bravo-agent@example.com").display_name = f"{SECRET} agent"
    db.session.commit()
    return alpha, bravo


def snapshot() -> dict:
    """Every admin-visible row of every tenant, column by column."""
    rows = {}
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        for model in (Department, TenantCalendarDay, User, AuditEntry, JobRun):
            for obj in db.session.scalars(select(model)):
                columns = inspect(obj).mapper.column_attrs
                rows[(model.__name__, obj.id)] = {c.key: getattr(obj, c.key) for c in columns}
    return rows


def bravo_ids(model, bravo) -> list[int]:
    with tenant_scope(db.session, ALL_TENANTS):
        return list(db.session.scalars(select(model.id).where(model.tenant_id == bravo.id)))


def model_views(app):
    (admin,) = app.extensions["admin"]
    return [v for v in admin._views if isinstance(v, ModelView)]


@pytest.mark.parametrize("role", ["tenant_admin", "auditor", "supervisor", "agent"])
def test_no_admin_view_reveals_or_changes_another_tenants_rows(app, client, world, role):
    alpha, bravo = world
    make_user(alpha, role)
    login(client, f"{role}@alpha.example.com")
    token = csrf_token(client, "/desk/")
    before = snapshot()
    views = model_views(app)
    assert len(views) >= 6, "every model view is walked"
    for view in views:
        base = f"/admin/{view.endpoint}"
        pages = [f"{base}/", f"{base}/?search=SECRET", f"{base}/export/csv/"]
        for page in pages:
            response = client.get(page, buffered=True)
            assert SECRET not in response.get_data(as_text=True), (role, page)
        for row_id in bravo_ids(view.model, bravo) if hasattr(view.model, "tenant_id") else []:
            for page in (f"{base}/details/?id={row_id}", f"{base}/edit/?id={row_id}"):
                response = client.get(page, buffered=True)
                assert response.status_code in (302, 403, 404), (role, page)
                assert SECRET not in response.get_data(as_text=True), (role, page)
            posts = [
                (f"{base}/edit/?id={row_id}", {"name": "pwned", "note": "pwned", "code": "x"}),
                (f"{base}/delete/", {"id": row_id}),
                *[
                    (f"{base}/action/", {"action": name, "rowid": row_id})
                    for name, _label in view._actions
                ],
            ]
            for page, data in posts:
                response = client.post(page, data={**data, "csrf_token": token})
                assert response.status_code in (302, 403, 404), (role, page)
    assert snapshot() == before


def test_new_rows_belong_to_the_admins_tenant_and_choices_offer_only_its_own(client, world):
    alpha, bravo = world
    make_user(alpha, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    (bravo_hq, *_rest) = bravo_ids(Department, bravo)
    page = client.get("/admin/departments/new/").get_data(as_text=True)
    assert "ALPHA-OWN head office" in page and SECRET not in page

    fields = form_fields(page)
    # A hand-made request naming the other tenant's department links to nothing.
    client.post(
        "/admin/departments/new/",
        data={**fields, "code": "sneaky", "name": "Sneaky", "parent": str(bravo_hq)},
    )
    created = client.post(
        "/admin/departments/new/",
        data={**fields, "code": "care2", "name": "Care 2", "tenant_id": str(bravo.id)},
    )
    assert created.status_code == 302
    with tenant_scope(db.session, ALL_TENANTS):
        row = db.session.scalar(select(Department).where(Department.code == "care2"))
        assert row is not None and row.tenant_id == alpha.id
        sneaky = db.session.scalar(select(Department).where(Department.code == "sneaky"))
        assert sneaky is not None and (sneaky.tenant_id, sneaky.parent_id) == (alpha.id, None)


def test_another_tenants_policy_versions_are_not_found(client, world):
    alpha, bravo = world
    make_user(alpha, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    with tenant_scope(db.session, bravo.id):
        save_version(
            db.session,
            bravo,
            active_version(db.session, bravo).document,
            registry=sectors(),
            comment=SECRET,
        )
        db.session.commit()
    token = csrf_token(client, "/admin/policy/edit/")
    for page in ("/admin/policy/2/", "/admin/policy/edit/?from=2", "/admin/policy/diff/?a=1&b=2"):
        response = client.get(page)
        assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    for page in ("/admin/policy/2/activate/", "/admin/policy/2/rollback/"):
        assert client.post(page, data={"csrf_token": token}).status_code == 404
    assert bravo.active_policy_version_id != alpha.active_policy_version_id
