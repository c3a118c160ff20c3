"""The desk's ticket page and the lifecycle actions taken from it, through HTTP."""

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Event, Ticket, User, utcnow
from portal.plugins import sectors
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import csrf_token, login, make_tenant, make_user

EN = {"Accept-Language": "en"}


def new_ticket(tenant, subject="Lift broken", **fields):
    with tenant_scope(db.session, tenant.id):
        body = {
            "kind": "complaint",
            "channel": "phone",
            "subject": subject,
            "description": "<b>stuck</b> on floor 3",
            "customer": {"name": "Li Lei", "phone": "13812345678"},
            "fields": fields,
        }
        ticket = open_ticket(
            db.session, sectors(), tenant, TicketIn.model_validate(body), now=utcnow()
        )
        db.session.commit()
        return ticket.number


@pytest.fixture
def acme(app):
    return make_tenant("acme", locale="en")


def signed_in(app, tenant, role="agent"):
    user = make_user(tenant, role)
    client = app.test_client()
    login(client, user.email)
    return client


def post_action(client, number, name, **data):
    token = csrf_token(client, f"/desk/tickets/{number}")
    version = re.search(
        r'name="version" value="(\d+)"',
        client.get(f"/desk/tickets/{number}").get_data(as_text=True),
    )
    form = {"csrf_token": token, **({"version": version.group(1)} if version else {}), **data}
    return client.post(f"/desk/tickets/{number}/actions/{name}", data=form, headers=EN)


def status_of(number):
    db.session.expire_all()
    return db.session.scalar(select(Ticket.status).where(Ticket.number == number))


def test_the_page_shows_classification_reasons_deadlines_and_actions(app, acme):
    number = new_ticket(acme, amount=6000)
    client = signed_in(app, acme)
    page = client.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    assert number in page
    assert "amount &gt;= 5000" in page  # the reason that decided the tier, escaped
    assert "Major" in page
    assert 'data-action="accept"' in page and 'data-action="resolve"' not in page
    assert "13812345678" in page
    assert "&lt;b&gt;stuck&lt;/b&gt;" in page


def test_another_tenants_ticket_is_not_found(app, acme):
    other = make_tenant("other")
    number = new_ticket(other)
    client = signed_in(app, acme)
    assert client.get(f"/desk/tickets/{number}").status_code == 404
    assert post_action(client, number, "accept").status_code == 404
    assert status_of(number) == "new"


def test_an_agent_accepts_assigns_replies_and_resolves(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    with tenant_scope(db.session, acme.id):
        agent_id = db.session.scalar(select(User.id).where(User.role == "agent"))
    assert post_action(client, number, "accept").status_code == 303
    assert post_action(client, number, "assign", assignee_id=agent_id).status_code == 303
    assert post_action(client, number, "reply", message="We are on it.").status_code == 303
    assert post_action(client, number, "resolve", summary="Fixed.").status_code == 303
    assert status_of(number) == "resolved"
    page = client.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    assert "We are on it." in page


def test_a_refused_action_says_why_and_changes_nothing(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    response = post_action(client, number, "resolve", summary="too early")
    assert response.status_code == 422
    assert "Resolve is not possible while the ticket is New." in response.get_data(as_text=True)
    assert status_of(number) == "new"
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_missing_input_is_a_form_message(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    post_action(client, number, "accept")
    response = post_action(client, number, "reply")
    assert response.status_code == 422
    assert "message" in response.get_data(as_text=True)
    assert status_of(number) == "accepted"


def test_a_stale_form_is_a_conflict(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    token = csrf_token(client, f"/desk/tickets/{number}")
    post_action(client, number, "accept")
    response = client.post(
        f"/desk/tickets/{number}/actions/note",
        data={"csrf_token": token, "version": "1", "text": "hello"},
        headers=EN,
    )
    assert response.status_code == 409
    assert "Someone else changed this ticket" in response.get_data(as_text=True)


def test_actions_need_the_csrf_token(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    response = client.post(f"/desk/tickets/{number}/actions/accept", data={})
    assert response.status_code == 400
    assert status_of(number) == "new"


def test_auditors_see_masked_phones_and_no_actions(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme, role="auditor")
    page = client.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page
    assert "data-action=" not in page
    assert post_action(client, number, "accept").status_code == 403


def test_the_page_shows_the_sectors_guidance(app, acme):
    number = new_ticket(acme)
    client = signed_in(app, acme)
    page = client.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    # The sample sector has none of its own: the core's default, seed 001's eight steps.
    assert "Handling a service complaint" in page
    assert "Propose improvements so it does not happen again" in page


def test_who_saw_a_full_phone_number_is_logged(app, acme):
    number = new_ticket(acme)
    signed_in(app, acme, "agent").get(f"/desk/tickets/{number}")
    signed_in(app, acme, "auditor").get(f"/desk/tickets/{number}")
    db.session.expire_all()
    seen = db.session.execute(
        select(AuditEntry.action, AuditEntry.object_id, User.role).join(
            User, User.id == AuditEntry.actor_id
        )
    ).all()
    assert seen == [("view_contact", number, "agent")], "the auditor saw it masked"
