"""The desk queue's channel, department and escalated filters, its countdown badges,
its text search, and the cost of a page, through HTTP."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text, update

from portal.extensions import db
from portal.models import Customer, Department, Milestone, Ticket, utcnow
from portal.numbering import next_ticket_number
from portal.tenancy import tenant_scope
from tests.conftest import make_tenant, make_user
from tests.test_desk import NUMBER, make_ticket, queue, signed_in_agent

HOUR = timedelta(hours=1)
RISK = re.compile(r'<a [^>]*>([^<]+)</a></td>.*?data-risk="([a-z-]+)"', re.S)


@pytest.fixture
def acme(app):
    return make_tenant("acme")


@pytest.fixture
def agent_client(app, acme):
    return signed_in_agent(app, acme)


def change(number, **values):
    db.session.execute(update(Ticket).where(Ticket.number == number).values(**values))
    db.session.commit()


def test_channel_department_and_escalated_filters(agent_client, acme):
    with tenant_scope(db.session, acme.id):
        billing = Department(code="billing", name="Billing")
        db.session.add(billing)
        db.session.commit()
        billing_id = billing.id
    by_web = make_ticket(acme, subject="Web form complaint")
    in_billing = make_ticket(acme, subject="Billing dispute")
    escalated = make_ticket(acme, subject="Escalated case")
    change(by_web, channel="web")
    change(in_billing, department_id=billing_id)
    change(escalated, escalation_level=1)

    assert NUMBER.findall(queue(agent_client, "?channel=web")[1]) == [by_web]
    assert NUMBER.findall(queue(agent_client, f"?department={billing_id}")[1]) == [in_billing]
    assert NUMBER.findall(queue(agent_client, "?escalated=1")[1]) == [escalated]
    assert escalated not in queue(agent_client, "?escalated=0")[1]
    assert set(NUMBER.findall(queue(agent_client, "?channel=phone&escalated=0")[1])) == {in_billing}


def test_another_tenants_department_is_unknown(app, agent_client, acme):
    other = make_tenant("other")
    with tenant_scope(db.session, other.id):
        theirs = Department(code="billing", name="Their billing")
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    make_ticket(acme)
    response, html = queue(agent_client, f"?department={theirs_id}")
    assert response.status_code == 400
    assert f"Unknown department: {theirs_id}" in html
    assert "Their billing" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?channel=pigeon", "Unknown channel: pigeon"),
        ("?department=abc", "Unknown department: abc"),
        ("?department=99999999999999", "Unknown department: 99999999999999"),
        ("?escalated=maybe", "Escalated must be 1 or 0."),
    ],
)
def test_bad_new_filters_are_refused_with_a_message(agent_client, acme, query, message):
    response, html = queue(agent_client, query)
    assert response.status_code == 400
    assert message in html


def ticket_due(tenant, subject, started_ago, due_in, breached=False):
    """A ticket whose one running milestone started ``started_ago`` and is due in
    ``due_in`` (negative: overdue)."""
    now = utcnow()
    with tenant_scope(db.session, tenant.id):
        ticket = Ticket(
            number=next_ticket_number(db.session, tenant, now),
            kind="complaint",
            status="accepted",
            channel="phone",
            subject=subject,
            breached=breached,
            next_due_at=now + due_in,
            customer=Customer(name="Li Lei", phone="13800000000"),
        )
        ticket.milestones.append(
            Milestone(name="resolve", started_at=now - started_ago, due_at=now + due_in)
        )
        db.session.add(ticket)
        db.session.commit()
        return ticket.number


def test_countdown_badges_are_coloured_by_risk(agent_client, acme):
    hour = timedelta(hours=1)
    calm = ticket_due(acme, "Plenty of time", started_ago=hour, due_in=10 * hour)
    # 9 of 10 hours used: past the policy's warn_at_share (0.8).
    risky = ticket_due(acme, "Nearly due", started_ago=9 * hour, due_in=hour)
    late = ticket_due(acme, "Overdue", started_ago=10 * hour, due_in=-hour)
    flagged = ticket_due(acme, "Flagged", started_ago=hour, due_in=10 * hour, breached=True)
    _, html = queue(agent_client)
    badges = dict(RISK.findall(html))
    assert badges == {calm: "ok", risky: "at-risk", late: "breached", flagged: "breached"}
    assert "in 10 hours" in html and "1 hour ago" in html


def test_search_finds_words_of_the_description_in_chinese(agent_client, acme):
    leak = make_ticket(acme, subject="楼上漏水")
    lift = make_ticket(acme, subject="电梯故障")
    with tenant_scope(db.session, acme.id):
        change(lift, description="电梯困人，按钮失灵")
    for words in ("漏水", "困人", "按钮失灵"):
        _, html = queue(agent_client, f"?q={words}")
        expected = leak if words == "漏水" else lift
        assert NUMBER.findall(html) == [expected], words


def test_on_postgresql_the_search_uses_ilike_on_a_trigram_index(agent_client, acme):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no trigram index; its LIKE ignores ASCII case already")
    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tickets_text_trgm'")
    )
    assert "USING gin" in definition and definition.count("gin_trgm_ops") == 2
    make_ticket(acme, subject="楼上漏水")
    with counting_statements() as statements:
        queue(agent_client, "?q=漏水")
    assert any("ILIKE" in s and "subject" in s for s in statements)


def test_search_ignores_case(agent_client, acme):
    leak = make_ticket(acme, subject="Water LEAK in garage")
    _, html = queue(agent_client, "?q=water leak")
    assert NUMBER.findall(html) == [leak]


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def many_tickets(tenant, count, assignees):
    hour = timedelta(hours=1)
    for i in range(count):
        number = ticket_due(tenant, f"Complaint {i}", started_ago=hour, due_in=(i + 1) * hour)
        change(number, assignee_id=assignees[i % len(assignees)].id)


def statements_for_a_page(app, size):
    tenant = make_tenant(f"size{size}")
    client = signed_in_agent(app, tenant)
    assignees = [make_user(tenant, "agent", email=f"a{i}@size{size}.example.com") for i in range(3)]
    many_tickets(tenant, size, assignees)
    queue(client)  # warm caches (the policy, the session's user)
    with counting_statements() as statements:
        response, html = queue(client)
    assert response.status_code == 200
    assert len(NUMBER.findall(html)) == size
    return len(statements)


def test_a_page_costs_the_same_statements_for_5_or_50_tickets(app):
    few = statements_for_a_page(app, 5)
    many = statements_for_a_page(app, 50)
    assert many == few, f"{few} statements for 5 tickets, {many} for 50"
    assert many <= 12
