"""The customer pages under /t/<slug>/: submitting, tracking, rating and appealing,
through HTTP."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Customer, Event, Ticket, User, utcnow
from portal.plugins import sectors
from portal.tenancy import tenant_scope
from portal.workflow.perform import perform
from tests.conftest import CSRF, csrf_token, login, make_tenant, make_user

EN = {"Accept-Language": "en"}
PHONE = "13812345678"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def acme(app):
    return make_tenant("acme", locale="en", name="ACME Telecom")


def yesterday():
    return (utcnow().astimezone(SHANGHAI) - timedelta(days=1)).date()


def complaint(**changes):
    form = {
        "kind": "complaint",
        "subject": "Overcharged",
        "description": "Billed twice for May.",
        "occurred_at": yesterday().isoformat(),
        "customer.name": "Li Lei",
        "customer.phone": PHONE,
        "customer.email": "li@example.com",
        "fields.amount": "6000",
    }
    form.update(changes)
    return form


def submit(client, slug="acme", **changes):
    token = csrf_token(client, f"/t/{slug}/")
    return client.post(
        f"/t/{slug}/", data={"csrf_token": token, **complaint(**changes)}, headers=EN
    )


def submitted_number(client, slug="acme", **changes):
    response = submit(client, slug, **changes)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    return re.search(r'class="ticket-number">([^<]+)<', page).group(1)


def look_up(client, slug, number, phone, **kwargs):
    token = csrf_token(client, f"/t/{slug}/track")
    data = {"csrf_token": token, "number": number, "phone": phone}
    return client.post(f"/t/{slug}/track", data=data, headers=EN, **kwargs)


def act(client, slug, name, **data):
    token = csrf_token(client, f"/t/{slug}/track")
    return client.post(f"/t/{slug}/track/{name}", data={"csrf_token": token, **data}, headers=EN)


def agent_of(tenant):
    email = f"agent@{tenant.slug}.example.com"
    return db.session.scalar(select(User).where(User.email == email)) or make_user(tenant, "agent")


def drive(tenant, number, *steps):
    """Take staff actions on a ticket, as the agent of ``tenant``."""
    agent = agent_of(tenant)
    with tenant_scope(db.session, tenant.id):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        for name, payload in steps:
            perform(db.session, sectors(), tenant, ticket, name, agent, payload, now=utcnow())
        db.session.commit()


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(page):
    return dict(re.findall(r'data-problem="([^"]+)">([^<]*)<', page))


def without_token(page):
    return CSRF.sub("", page)


def test_a_complaint_is_filed_classified_and_numbered(app, client, acme):
    page = client.get("/t/acme/", headers=EN).get_data(as_text=True)
    assert "ACME Telecom" in page
    assert 'name="fields.amount"' in page and 'type="number"' in page and 'min="0"' in page
    assert 'type="checkbox" name="fields.personal_injury"' in page
    assert 'value="appeal"' not in page  # customers do not open appeals from here

    response = submit(client, **{"fields.company_fault": "1"})
    assert response.status_code == 303
    done = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    number = re.search(r'class="ticket-number">([^<]+)<', done).group(1)
    assert "Please keep this number." in done
    assert f"/t/acme/track?number={number}" in done

    with tenant_scope(db.session, acme.id):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.tier == "major"  # amount 6000 >= 5000 in the sample policy
        assert (ticket.kind, ticket.channel, ticket.status) == ("complaint", "web", "new")
        # An unticked box is not an answer: only the ticked one is recorded.
        assert ticket.fields == {"amount": 6000, "company_fault": True}
        assert ticket.customer.phone == PHONE
        # A date is a day in the tenant's zone: midnight in Shanghai.
        assert ticket.occurred_at == datetime.combine(yesterday(), datetime.min.time(), SHANGHAI)


def test_bad_input_shows_every_problem_and_writes_nothing(app, client, acme):
    before = (count(Ticket), count(Customer), count(Event))
    response = submit(
        client,
        subject="  ",
        **{
            "customer.phone": "call me",
            "customer.email": "not-an-address",
            "fields.amount": "-5",
        },
    )
    assert response.status_code == 422
    problems = problems_of(response.get_data(as_text=True))
    assert set(problems) == {"subject", "customer.phone", "customer.email", "fields.amount"}
    assert problems["subject"] == "This field is required."
    assert "smallest allowed is 0" in problems["fields.amount"]
    assert (count(Ticket), count(Customer), count(Event)) == before

    # The core's own checks come back the same way, next to their inputs.
    # Two days ahead: tomorrow's midnight is within the clock-skew allowance during the
    # last minutes of a day.
    ahead = (yesterday() + timedelta(days=3)).isoformat()
    response = submit(client, occurred_at=ahead, **{"fields.amount": "lots"})
    assert response.status_code == 422
    assert set(problems_of(response.get_data(as_text=True))) == {"occurred_at", "fields.amount"}
    assert 'value="lots"' in response.get_data(as_text=True)  # the form keeps what was typed
    assert (count(Ticket), count(Customer), count(Event)) == before


def test_a_phone_number_is_required_and_the_kind_must_be_public(app, client, acme):
    response = submit(client, kind="appeal", **{"customer.phone": ""})
    assert response.status_code == 422
    assert set(problems_of(response.get_data(as_text=True))) == {"kind", "customer.phone"}
    assert count(Ticket) == 0


def test_unknown_and_inactive_tenants_are_not_found(app, client, acme):
    assert client.get("/t/nobody/").status_code == 404
    assert client.get("/t/nobody/track").status_code == 404
    acme.active = False
    db.session.commit()
    assert client.get("/t/acme/").status_code == 404


def test_the_tracking_page_shows_the_ticket_with_html_escaped(app, client, acme):
    number = submitted_number(client, subject="<script>alert(1)</script>")
    response = look_up(client, "acme", number.lower(), "138 1234 5678")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert number in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert '<dd class="status">New</dd>' in page
    assert 'class="due"' in page  # the reply deadline of a major ticket
    assert 'data-action="appeal"' not in page and 'data-action="rate"' not in page


def test_a_wrong_pair_reveals_nothing(app, client, acme):
    other = make_tenant("other")
    number = submitted_number(client)
    foreign = submitted_number(client, slug="other")
    answers = [
        look_up(client, "acme", number, "13900000000"),
        look_up(client, "acme", "ACME-200001-000001", PHONE),
        look_up(client, "acme", foreign, PHONE),
    ]
    assert {a.status_code for a in answers} == {404}
    pages = {without_token(a.get_data(as_text=True)) for a in answers}
    assert len(pages) == 1
    assert "No ticket matches this number and phone number." in pages.pop()
    assert other.id != acme.id


def test_lookups_are_limited_per_client_address(app, client, acme):
    for _ in range(10):
        assert look_up(client, "acme", "ACME-200001-000001", PHONE).status_code == 404
    refused = look_up(client, "acme", "ACME-200001-000001", PHONE)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Too many lookups" in refused.get_data(as_text=True)
    elsewhere = look_up(
        client, "acme", "ACME-200001-000001", PHONE, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert elsewhere.status_code == 404


def test_public_replies_are_shown_and_internal_matters_are_not(app, client, acme):
    number = submitted_number(client)
    drive(
        acme,
        number,
        ("accept", {}),
        ("note", {"text": "Customer sounds angry, check the billing system"}),
        ("reply", {"message": "We refunded the second charge."}),
    )
    page = look_up(client, "acme", number, PHONE).get_data(as_text=True)
    assert "We refunded the second charge." in page
    assert "billing system" not in page
    assert "agent of acme" not in page  # no staff names
    assert "amount &gt;= 5000" not in page and "amount >= 5000" not in page
    assert '<dd class="status">Replied</dd>' in page


def test_the_customer_rates_and_appeals_when_the_lifecycle_allows(app, client, acme):
    number = submitted_number(client)
    drive(acme, number, ("accept", {}), ("reply", {"message": "Refunded."}))
    page = look_up(client, "acme", number, PHONE).get_data(as_text=True)
    assert 'data-action="rate"' in page and 'data-action="appeal"' not in page

    rated = act(client, "acme", "rate", score="2", comment="Slow.")
    assert rated.status_code == 200
    assert "Thank you for rating our answer." in rated.get_data(as_text=True)

    drive(acme, number, ("resolve", {"summary": "Refunded."}))
    appealed = act(client, "acme", "appeal", reason="The refund never arrived.")
    assert appealed.status_code == 200
    assert "We have received your appeal" in appealed.get_data(as_text=True)
    assert '<dd class="status">Appealed</dd>' in appealed.get_data(as_text=True)

    with tenant_scope(db.session, acme.id):
        db.session.expire_all()
        events = db.session.scalars(select(Event).where(Event.type.in_(["rate", "appeal"])))
        recorded = {(e.type, e.actor_id, e.public) for e in events}
    assert recorded == {("rate", None, True), ("appeal", None, True)}


def test_actions_the_lifecycle_refuses_change_nothing(app, client, acme):
    number = submitted_number(client)
    look_up(client, "acme", number, PHONE)
    events = count(Event)
    refused = act(client, "acme", "appeal", reason="Too slow.")
    assert refused.status_code == 422
    assert "Appeal is not possible while the ticket is New." in refused.get_data(as_text=True)
    assert act(client, "acme", "rate", score="5").status_code == 422
    assert count(Event) == events

    drive(acme, number, ("accept", {}), ("reply", {"message": "Done."}))
    bad = act(client, "acme", "rate", score="9")
    assert bad.status_code == 422
    assert problems_of(bad.get_data(as_text=True)) == {"score": "Choose a score from 1 to 5."}
    assert count(Event) == events + 2


def test_rating_needs_a_lookup_of_this_tenant_in_this_session(app, client, acme):
    make_tenant("other")
    number = submitted_number(client)
    drive(acme, number, ("accept", {}), ("reply", {"message": "Done."}))
    assert act(client, "acme", "rate", score="5").status_code == 403
    look_up(client, "acme", number, PHONE)
    assert act(client, "other", "rate", score="5").status_code == 403
    look_up(client, "acme", number, "13900000000")  # a failed lookup forgets the last one
    assert act(client, "acme", "rate", score="5").status_code == 403
    assert count(Event) == 3


def test_posts_need_the_csrf_token(app, client, acme):
    assert client.post("/t/acme/", data=complaint()).status_code == 400
    assert client.post("/t/acme/track", data={"number": "X", "phone": PHONE}).status_code == 400
    assert client.post("/t/acme/track/rate", data={"score": "5"}).status_code == 400
    assert client.post("/t/acme/track/appeal", data={"reason": "x"}).status_code == 400
    assert count(Ticket) == 0


def test_a_signed_in_staff_member_files_into_the_tenant_of_the_url(app, client, acme):
    other = make_tenant("other")
    login(client, make_user(other, "agent").email)
    number = submitted_number(client)
    assert number.startswith("ACME-")
    assert db.session.scalar(select(Ticket.tenant_id).where(Ticket.number == number)) == acme.id


def test_the_page_speaks_chinese_to_a_chinese_tenant_or_browser(app, client):
    make_tenant("shop", locale="zh_Hans_CN")
    page = client.get("/t/shop/").get_data(as_text=True)
    assert "损失金额" in page and "人身伤害" in page  # the sector's field labels
    assert "提交" in page and "Submit" not in page

    make_tenant("mall", locale="en")
    page = client.get("/t/mall/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "损失金额" in page and "Loss" not in page
    english = client.get("/t/mall/", headers=EN).get_data(as_text=True)
    assert "Loss" in english and "损失金额" not in english


def test_a_repeat_of_an_open_complaint_reminds_instead_of_duplicating(app, client):
    tenant = make_tenant("repeat-estate", locale="en")
    body = {
        "kind": "complaint",
        "subject": "Lift broken",
        "description": "again",
        "customer.name": "Li",
        "customer.phone": "13911112222",
    }
    for _attempt in range(2):
        token = csrf_token(client, f"/t/{tenant.slug}/")
        response = client.post(f"/t/{tenant.slug}/", data={**body, "csrf_token": token})
        assert response.status_code == 303
    page = client.get(f"/t/{tenant.slug}/submitted", headers={"Accept-Language": "en"})
    assert "added to it as a reminder" in page.get_data(as_text=True)
    with tenant_scope(db.session, tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
        reminders = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "reminder")
        )
    assert reminders == 1


def test_fields_staff_judge_are_not_asked_on_the_customer_form(app, client):
    make_tenant("js-telecom", sector="telecom", locale="en")
    page = client.get("/t/js-telecom/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="fields.service_number"' in page
    assert 'name="fields.in_scope"' not in page  # the operator judges scope, not the customer
    assert 'name="fields.specific_enough"' not in page
