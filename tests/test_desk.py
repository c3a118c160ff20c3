"""The agent desk: the queue of the signed-in user's tenant, through real HTTP."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import Customer, Ticket, utcnow
from portal.numbering import next_ticket_number
from portal.tenancy import tenant_scope
from tests.conftest import login, make_tenant, make_user

EN = {"Accept-Language": "en"}
NUMBER = re.compile(r'<td class="number"><a [^>]*>([^<]+)</a></td>')


def make_ticket(
    tenant, subject="Lift broken", status="new", tier=None, breached=False, next_due_at=None
):
    """Create a ticket in ``tenant`` and return its number."""
    with tenant_scope(db.session, tenant.id):
        ticket = Ticket(
            number=next_ticket_number(db.session, tenant, utcnow()),
            kind="complaint",
            status=status,
            channel="phone",
            tier=tier,
            subject=subject,
            breached=breached,
            next_due_at=next_due_at,
            customer=Customer(name="Li Lei", phone="13800000000"),
        )
        db.session.add(ticket)
        number = ticket.number
        db.session.commit()
    return number


def queue(client, query=""):
    response = client.get(f"/desk/{query}", headers=EN)
    return response, response.get_data(as_text=True)


def signed_in_agent(app, tenant):
    user = make_user(tenant, "agent")
    client = app.test_client()
    login(client, user.email)
    return client


@pytest.fixture
def acme(app):
    return make_tenant("acme")


@pytest.fixture
def agent_client(app, acme):
    return signed_in_agent(app, acme)


def test_each_tenant_sees_only_its_own_tickets(app):
    alpha, bravo = make_tenant("alpha"), make_tenant("bravo")
    a_number = make_ticket(alpha, subject="Alpha water leak")
    b_number = make_ticket(bravo, subject="Bravo noisy neighbour")

    _, alpha_page = queue(signed_in_agent(app, alpha))
    assert a_number in alpha_page and "Alpha water leak" in alpha_page
    assert b_number not in alpha_page and "Bravo noisy neighbour" not in alpha_page

    _, bravo_page = queue(signed_in_agent(app, bravo))
    assert b_number in bravo_page and "Bravo noisy neighbour" in bravo_page
    assert a_number not in bravo_page and "Alpha water leak" not in bravo_page


def test_status_filter_shows_only_that_status(agent_client, acme):
    new = make_ticket(acme, status="new")
    closed = make_ticket(acme, status="closed")
    response, page = queue(agent_client, "?status=new")
    assert response.status_code == 200
    assert NUMBER.findall(page) == [new]
    assert closed not in page


def test_breached_filter_shows_only_breached_tickets(agent_client, acme):
    late = make_ticket(acme, breached=True)
    on_time = make_ticket(acme, breached=False)
    assert NUMBER.findall(queue(agent_client, "?breached=1")[1]) == [late]
    assert NUMBER.findall(queue(agent_client, "?breached=0")[1]) == [on_time]


def test_unknown_status_is_refused_with_a_message(agent_client, acme):
    make_ticket(acme)
    response, page = queue(agent_client, "?status=bogus")
    assert response.status_code == 400
    assert "Unknown status: bogus" in page


def test_breached_must_be_1_or_0(agent_client, acme):
    response, page = queue(agent_client, "?breached=maybe")
    assert response.status_code == 400
    assert "Breached must be 1 or 0." in page


def test_nearest_due_time_comes_first_and_no_due_time_last(agent_client, acme):
    now = utcnow()
    undated = make_ticket(acme, next_due_at=None)
    later = make_ticket(acme, next_due_at=now + timedelta(days=2))
    sooner = make_ticket(acme, next_due_at=now + timedelta(hours=1))
    assert NUMBER.findall(queue(agent_client)[1]) == [sooner, later, undated]


def test_queue_pages_by_fifty(agent_client, acme):
    for i in range(55):
        make_ticket(acme, subject=f"Complaint {i}")
    _, first_page = queue(agent_client)
    assert len(NUMBER.findall(first_page)) == 50
    assert re.search(r'<a href="/desk/\?[^"]*page=2', first_page)
    _, second_page = queue(agent_client, "?page=2")
    assert len(NUMBER.findall(second_page)) == 5


@pytest.mark.parametrize(
    ("timezone", "shown"),
    [("Asia/Shanghai", "2026-10-01 09:30"), ("America/New_York", "2026-09-30 21:30")],
)
def test_due_times_are_shown_in_the_tenants_time_zone(app, timezone, shown):
    tenant = make_tenant("zoned", timezone=timezone)
    make_ticket(tenant, next_due_at=datetime(2026, 10, 1, 1, 30, tzinfo=UTC))
    _, page = queue(signed_in_agent(app, tenant))
    assert shown in page


def test_html_in_a_subject_is_escaped(agent_client, acme):
    make_ticket(acme, subject="<script>alert(1)</script>")
    _, page = queue(agent_client)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "-1", "two"])
def test_a_bad_page_number_is_refused_with_a_message(agent_client, acme, page):
    make_ticket(acme)
    response, html = queue(agent_client, f"?page={page}")
    assert response.status_code == 400
    assert "The page must be a number from 1 to 999999." in html


def test_a_nul_byte_in_the_tier_filter_is_refused(agent_client, acme):
    make_ticket(acme, tier="major")
    response, _ = queue(agent_client, "?tier=major%00")
    assert response.status_code == 400


def test_an_unknown_tier_is_refused_with_a_message(agent_client, acme):
    make_ticket(acme, tier="major")
    response, html = queue(agent_client, "?tier=bogus")
    assert response.status_code == 400
    assert "Unknown tier: bogus" in html


def test_tier_filter_shows_only_that_tier(agent_client, acme):
    major = make_ticket(acme, subject="Flooded garage", tier="major")
    minor = make_ticket(acme, subject="Squeaky gate", tier="minor")
    response, html = queue(agent_client, "?tier=major")
    assert response.status_code == 200
    assert major in html and minor not in html


def test_search_finds_by_number_phone_name_and_subject_words(agent_client, acme):
    leak = make_ticket(acme, subject="Water leak in garage")
    lift = make_ticket(acme, subject="Lift broken")
    for query in (leak, "Water leak", "garage"):
        response, html = queue(agent_client, f"?q={query}")
        assert response.status_code == 200
        assert leak in html and lift not in html, query
    _, html = queue(agent_client, "?q=13800000000")  # make_ticket's customer phone
    assert leak in html and lift in html
    _, html = queue(agent_client, "?q=100%25")  # a literal % matches nothing, not everything
    assert leak not in html and lift not in html


def test_kind_mine_and_due_within_filters(app, acme):
    client = app.test_client()
    user = make_user(acme, "agent", email="me@acme.example.com")
    login(client, user.email)
    soon = make_ticket(acme, subject="Due soon", next_due_at=utcnow() + timedelta(hours=2))
    later = make_ticket(acme, subject="Due later", next_due_at=utcnow() + timedelta(hours=30))
    _, html = queue(client, "?due_within=4")
    assert soon in html and later not in html
    _, html = queue(client, "?kind=complaint")
    assert soon in html and later in html
    _, html = queue(client, "?kind=inquiry")
    assert soon not in html
    with tenant_scope(db.session, acme.id):
        db.session.execute(update(Ticket).where(Ticket.number == later).values(assignee_id=user.id))
        db.session.commit()
    _, html = queue(client, "?mine=1")
    assert later in html and soon not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("?kind=letter", "Unknown kind: letter"), ("?due_within=0", "Due within must be 1 to 720")],
)
def test_bad_filters_are_refused_with_a_message(agent_client, acme, query, message):
    response, html = queue(agent_client, query)
    assert response.status_code == 400
    assert message in html
