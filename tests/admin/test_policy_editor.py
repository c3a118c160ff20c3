"""The policy editor, versions, diff, simulation, activation and rollback, over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, PolicyVersion, Ticket, utcnow
from portal.plugins import sectors
from portal.policy.diff import diff
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.admin.forms import form_fields
from tests.conftest import login, make_tenant, make_user
from tests.test_api import bearer, issue_key

EN = {"Accept-Language": "en"}
IMPORTANT_RESOLVE = "tiers-1-milestones-1-duration_amount"


@pytest.fixture
def tenant(app):
    return make_tenant("alpha")


@pytest.fixture
def admin(client, tenant):
    make_user(tenant, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    return client


def editor(client, source: int | None = None) -> dict[str, str]:
    page = client.get("/admin/policy/edit/" + (f"?from={source}" if source else ""), headers=EN)
    assert page.status_code == 200
    return form_fields(page.get_data(as_text=True), "policy-editor")


def save(client, fields, **changes):
    return client.post("/admin/policy/edit/", data={**fields, **changes}, headers=EN)


def versions(tenant) -> list[PolicyVersion]:
    with tenant_scope(db.session, tenant.id):
        return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.number)))


def api_ticket(client, key: str, phone: str) -> dict:
    """A ticket of the "important" tier; each customer new, so no repeat rule applies."""
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "Billing error",
        "description": "charged twice",
        "customer": {"name": "Li Lei", "phone": phone},
        "fields": {"company_fault": True},
    }
    response = client.post("/api/v1/tickets", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def resolve_days(ticket: dict) -> int:
    created = datetime.fromisoformat(ticket["created_at"])
    (due,) = [m["due_at"] for m in ticket["milestones"] if m["name"] == "resolve"]
    return (datetime.fromisoformat(due) - created).days


def test_a_changed_deadline_applies_to_new_tickets_only_once_activated(admin, tenant):
    key = issue_key(tenant)
    before = api_ticket(admin, key, "13812345600")
    assert before["classification"]["tier"] == "important" and resolve_days(before) == 3

    fields = editor(admin)
    assert fields[IMPORTANT_RESOLVE] == "3"
    saved = save(admin, fields, **{IMPORTANT_RESOLVE: "2", "comment": "faster for our fault"})
    assert saved.status_code == 302 and saved.location.endswith("/admin/policy/2/")
    review = admin.get(saved.location, headers=EN).get_data(as_text=True)
    assert "tiers › important › milestones › resolve › duration › amount" in review
    assert "<strong>3</strong>" in review and "<strong>2</strong>" in review

    draft = api_ticket(admin, key, "13812345601")
    assert draft["policy_version"] == 1 and resolve_days(draft) == 3, "a draft changes nothing"

    activated = admin.post("/admin/policy/2/activate/", data={"csrf_token": fields["csrf_token"]})
    assert activated.status_code == 302
    after = api_ticket(admin, key, "13812345602")
    assert after["policy_version"] == 2 and resolve_days(after) == 2
    older = admin.get(f"/api/v1/tickets/{before['number']}", headers=bearer(key)).get_json()
    assert resolve_days(older) == 3, "activating does not move open tickets"

    rolled = admin.post("/admin/policy/1/rollback/", data={"csrf_token": fields["csrf_token"]})
    assert rolled.status_code == 302
    assert [(v.number, v.comment) for v in versions(tenant)][-1] == (3, "rollback to version 1")
    restored = api_ticket(admin, key, "13812345603")
    assert restored["policy_version"] == 3 and resolve_days(restored) == 3


def test_saving_unchanged_keeps_every_setting_the_form_has_no_input_for(admin, tenant):
    save(admin, editor(admin), comment="no change")
    first, second = versions(tenant)
    assert diff(first.document, second.document) == []
    assert second.comment == "no change" and second.author_id is not None


def test_form_problems_are_shown_on_their_fields_and_nothing_is_saved(admin, tenant):
    fields = editor(admin)
    page = save(admin, fields, **{IMPORTANT_RESOLVE: "soon", "tiers-0-key": "", "comment": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Not saved" in html
    assert html.count("is-invalid") >= 3
    assert len(versions(tenant)) == 1


def test_policy_problems_are_listed_by_path_and_marked_on_the_field(admin, tenant):
    fields = editor(admin)
    page = save(
        admin,
        fields,
        comment="broken",
        default_tier="nope",
        **{"tiers-1-when": '{"field": "no_such_field", "op": "==", "value": 1}'},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "default_tier" in html and "tiers[1].when" in html
    assert 'name="default_tier"' in html and "is-invalid" in html
    assert len(versions(tenant)) == 1


def test_criteria_that_are_not_json_are_refused(admin, tenant):
    page = save(admin, editor(admin), comment="x", **{"tiers-0-when": "{amount >= 5000"})
    assert page.status_code == 200 and "not valid JSON" in page.get_data(as_text=True)
    assert len(versions(tenant)) == 1


def test_rows_are_added_removed_and_reordered_without_javascript(admin, tenant):
    fields = editor(admin)
    moved = form_fields(
        save(admin, fields, op="down-tiers-0").get_data(as_text=True), "policy-editor"
    )
    assert (moved["tiers-0-key"], moved["tiers-1-key"]) == ("important", "major")
    trimmed = form_fields(
        save(admin, moved, op="remove-milestones-0-0").get_data(as_text=True), "policy-editor"
    )
    assert trimmed["tiers-0-milestones-0-name"] == "resolve"
    grown = form_fields(
        save(admin, trimmed, op="add-milestones-0").get_data(as_text=True), "policy-editor"
    )
    assert grown["tiers-0-milestones-1-name"] == ""
    assert len(versions(tenant)) == 1, "editing rows saves nothing"

    grown.update(
        {"tiers-0-milestones-1-name": "reply", "tiers-0-milestones-1-duration_amount": "4"}
    )
    grown["tiers-0-milestones-1-duration_unit"] = "hours"
    assert save(admin, grown, comment="reordered").status_code == 302
    document = versions(tenant)[-1].document
    assert [t["key"] for t in document["tiers"]] == ["important", "major", "minor"]
    assert document["tiers"][0]["milestones"] == [
        {
            "name": "resolve",
            "start": "created",
            "duration": {"amount": 3, "unit": "calendar_days"},
            "pausable": False,
        },
        {
            "name": "reply",
            "start": "created",
            "duration": {"amount": 4, "unit": "hours"},
            "pausable": False,
        },
    ]


def test_a_stale_row_button_reloads_the_editor_without_harm(admin, tenant):
    page = save(admin, editor(admin), op="remove-tiers-9")
    assert page.status_code == 200 and "no longer there" in page.get_data(as_text=True)


def test_the_simulation_names_tickets_a_draft_would_breach_and_apply_moves_them(admin, tenant):
    with tenant_scope(db.session, tenant.id):
        body = {
            "kind": "complaint",
            "channel": "phone",
            "subject": "Overcharged",
            "description": "twice",
            "customer": {"name": "Han Mei", "phone": "13900000000"},
            "fields": {"company_fault": True},
        }
        old = open_ticket(
            db.session,
            sectors(),
            tenant,
            TicketIn.model_validate(body),
            now=utcnow() - timedelta(days=2, hours=12),
        )
        db.session.commit()
        number = old.number
        (due_before,) = [m.due_at for m in old.milestones if m.name == "resolve"]
    fields = editor(admin)
    save(admin, fields, **{IMPORTANT_RESOLVE: "2", "comment": "two days"})
    review = admin.get("/admin/policy/2/", headers=EN).get_data(as_text=True)
    assert "0 would change tier, 1 would get other due times, and 1 would be breached now" in review
    assert number in review

    admin.post(
        "/admin/policy/2/activate/", data={"csrf_token": fields["csrf_token"], "apply": "yes"}
    )
    db.session.expire_all()
    with tenant_scope(db.session, tenant.id):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None and ticket.policy_version_id == versions(tenant)[1].id
        (resolve,) = [m for m in ticket.milestones if m.name == "resolve"]
        assert resolve.due_at == due_before - timedelta(days=1)
        applied = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "policy_applied")
        )
        assert applied == 1


def test_any_two_versions_can_be_compared(admin, tenant):
    save(admin, editor(admin), **{IMPORTANT_RESOLVE: "2", "comment": "two days"})
    page = admin.get("/admin/policy/diff/?a=2&b=1", headers=EN).get_data(as_text=True)
    assert "Version 2 → version 1" in page and "resolve › duration › amount" in page
    assert admin.get("/admin/policy/diff/?a=1&b=9").status_code == 404


@pytest.mark.parametrize("role", ["agent", "supervisor", "auditor"])
def test_only_tenant_admins_edit_the_policy(client, tenant, role):
    make_user(tenant, role)
    login(client, f"{role}@alpha.example.com")
    assert client.get("/admin/policy/").status_code == 403
    assert client.get("/admin/policy/edit/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, tenant):
    response = client.get("/admin/policy/")
    assert response.status_code == 302 and "/login" in response.location


def test_the_versions_page_says_who_saved_what_and_which_is_active(admin, tenant):
    save(admin, editor(admin), comment="draft one")
    page = admin.get("/admin/policy/", headers=EN).get_data(as_text=True)
    assert "draft one" in page and "tenant_admin of alpha" in page
    assert page.index('data-version="2"') < page.index("draft</span>") < page.index("active</span>")


def test_a_milestone_can_be_set_to_restart_on_new_facts_and_back(admin, tenant):
    fields = editor(admin)
    box = IMPORTANT_RESOLVE.replace("duration_amount", "restart_on_new_facts")
    assert box not in fields
    assert save(admin, fields, comment="new facts restart", **{box: "y"}).status_code == 302
    restarted = versions(tenant)[-1].document["tiers"][1]["milestones"][1]
    assert restarted["restart_on_new_facts"] is True

    fields = editor(admin, versions(tenant)[-1].id)
    assert fields[box] == "y"
    del fields[box]
    assert save(admin, fields, comment="not any more").status_code == 302
    assert "restart_on_new_facts" not in versions(tenant)[-1].document["tiers"][1]["milestones"][1]
