"""The supervisors' dashboard at /desk/dashboard, through HTTP."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Event, Milestone, Ticket, utcnow
from portal.tenancy import tenant_scope
from portal.web.dashboard import local_day
from tests.conftest import login, make_tenant, make_user
from tests.test_desk import make_ticket
from tests.test_desk_queue import counting_statements, ticket_due

EN = {"Accept-Language": "en"}
HOUR = timedelta(hours=1)


def figure(html, name):
    match = re.search(rf'data-figure="{name}">\s*<div class="figure">(\d+)</div>', html)
    assert match, name
    return int(match.group(1))


def tier_count(html, tier):
    return int(re.search(rf'<tr data-tier="{tier}">.*?</td><td>(\d+)</td>', html).group(1))


def signed_in(app, tenant, role="supervisor"):
    client = app.test_client()
    login(client, make_user(tenant, role).email)
    return client


def dashboard(client):
    response = client.get("/desk/dashboard/", headers=EN)
    return response, response.get_data(as_text=True)


@pytest.fixture
def acme(app):
    return make_tenant("acme")


def test_the_figures_count_open_tickets_risk_breaches_and_escalations(app, acme):
    make_ticket(acme, tier="major")
    make_ticket(acme, tier="major")
    make_ticket(acme, tier="minor")
    make_ticket(acme, tier="major", status="closed")  # not open
    ticket_due(acme, "Nearly due", started_ago=9 * HOUR, due_in=HOUR)  # at risk
    ticket_due(acme, "Calm", started_ago=HOUR, due_in=10 * HOUR)
    late = ticket_due(acme, "Late", started_ago=10 * HOUR, due_in=-HOUR, breached=True)
    old_breach = ticket_due(acme, "Old", started_ago=90 * HOUR, due_in=-48 * HOUR, breached=True)
    escalated = make_ticket(acme, tier="major", status="escalated")
    start, _end = local_day(acme, utcnow())
    with tenant_scope(db.session, acme.id):
        for number, when in ((late, utcnow()), (old_breach, start - HOUR)):
            ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.number == number))
            db.session.execute(
                update(Milestone).where(Milestone.ticket_id == ticket_id).values(breached_at=when)
            )
        db.session.execute(
            update(Ticket).where(Ticket.number == escalated).values(escalation_level=1)
        )
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.number == escalated))
        db.session.add(Event(ticket_id=ticket_id, type="escalate", at=utcnow(), data={}))
        db.session.add(Event(ticket_id=ticket_id, type="escalate", at=start - HOUR, data={}))
        db.session.commit()
    other = make_tenant("other")
    make_ticket(other, tier="major", status="escalated")

    response, html = dashboard(signed_in(app, acme))
    assert response.status_code == 200
    assert tier_count(html, "major") == 3
    assert tier_count(html, "minor") == 1
    assert tier_count(html, "important") == 0
    assert figure(html, "at_risk") == 1
    assert figure(html, "breached_today") == 1
    assert figure(html, "escalated_open") == 1
    assert figure(html, "escalations_today") == 1
    assert escalated in html


def test_the_day_is_the_tenants_local_day():
    tenant = type("T", (), {"timezone": "Asia/Shanghai"})()
    start, end = local_day(tenant, datetime(2026, 10, 1, 17, 0, tzinfo=UTC))  # 01:00 on 2 Oct
    assert start == datetime(2026, 10, 1, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 403), ("auditor", 403), ("tenant_admin", 200)]
)
def test_only_supervisors_and_tenant_admins_see_it(app, acme, role, status):
    assert dashboard(signed_in(app, acme, role))[0].status_code == status


def test_the_dashboard_costs_the_same_statements_whatever_the_tickets(app, acme):
    client = signed_in(app, acme)
    make_ticket(acme, tier="major")
    dashboard(client)
    with counting_statements() as few:
        dashboard(client)
    for i in range(30):
        ticket_due(acme, f"Case {i}", started_ago=9 * HOUR, due_in=HOUR)
        make_ticket(acme, tier="minor", status="escalated")
    with counting_statements() as many:
        _, html = dashboard(client)
    assert len(many) == len(few)
    assert figure(html, "at_risk") == 30
