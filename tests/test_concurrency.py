"""Concurrent writers on PostgreSQL (the production database): numbers stay unique, a
second agent working from a stale copy gets a clear conflict, and the periodic review
and an agent touching one ticket both keep their change."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.jobs.review import review
from portal.models import Event, Tenant, Ticket, User, utcnow
from portal.plugins import sectors
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.workflow.perform import TicketConflict, perform
from tests.conftest import csrf_token, login
from tests.security_world import build_world
from tests.test_api import BODY

CREATIONS = 50


@pytest.fixture(autouse=True)
def postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is proven on PostgreSQL, the production database")


def test_concurrent_creations_get_distinct_numbers(app):
    world = build_world()
    start = threading.Barrier(CREATIONS)
    headers = {"Authorization": f"Bearer {world.alpha_key}"}

    def create(n: int) -> tuple[int, str]:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/tickets",
            json={**BODY, "customer": {"phone": f"1370000{n:04d}"}},
            headers=headers,
        )
        return response.status_code, (response.get_json() or {}).get("number", "")

    with ThreadPoolExecutor(CREATIONS) as pool:
        results = list(pool.map(create, range(CREATIONS)))
    assert [status for status, _n in results] == [201] * CREATIONS
    numbers = {number for _s, number in results}
    assert len(numbers) == CREATIONS
    with tenant_scope(db.session, world.alpha.id):
        stored = db.session.scalars(select(Ticket.number)).all()
    assert sorted(stored) == sorted(numbers)


def test_two_agents_acting_at_once_give_one_success_and_one_conflict(app):
    world = build_world()
    bravo_agent = db.session.scalar(select(User).where(User.email == "agent@bravo.example.com"))
    with tenant_scope(db.session, world.bravo.id):
        version = db.session.scalar(select(Ticket.version).where(Ticket.number == world.number))
    clients = []
    for _ in range(2):
        client = app.test_client()
        login(client, bravo_agent.email)
        clients.append((client, csrf_token(client, f"/desk/tickets/{world.number}")))
    start = threading.Barrier(2)

    def act(pair) -> int:
        client, token = pair
        start.wait()
        response = client.post(
            f"/desk/tickets/{world.number}/actions/escalate",
            data={"csrf_token": token, "version": str(version), "reason": "urgent"},
        )
        return response.status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(act, clients))
    assert statuses == [303, 409]
    with tenant_scope(db.session, world.bravo.id):
        db.session.expire_all()
        escalations = db.session.scalars(select(Event).where(Event.type == "escalate")).all()
    assert len(escalations) == 1


def test_the_review_and_an_agent_on_one_ticket_both_keep_their_change(app):
    """The review breaches and escalates a ticket an agent has open. The escalation may
    hand the ticket on, so the agent's save from the older copy is refused as a
    conflict rather than written over it; after reloading, the agent's note goes in,
    and the ticket keeps both the review's change and the agent's."""
    world = build_world()
    now = utcnow()
    with tenant_scope(db.session, world.bravo.id):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == world.number))
        for milestone in ticket.milestones:
            milestone.due_at = now - timedelta(hours=1)
            milestone.met_at = None
        db.session.commit()

    # The agent reads the ticket before the review marks it, and saves after.
    agent_session = Session(db.engine)
    review_session = Session(db.engine)
    try:
        set_scope(agent_session, world.bravo.id)
        tenant = agent_session.get(Tenant, world.bravo.id)
        actor = agent_session.scalar(select(User).where(User.email == "agent@bravo.example.com"))
        by_number = select(Ticket).where(Ticket.number == world.number)
        stale = agent_session.scalar(by_number)
        assert stale.breached is False and len(stale.milestones) > 0

        set_scope(review_session, ALL_TENANTS)
        counts = review(review_session, now)
        review_session.commit()
        assert counts["tickets_breached"] == 1 and counts["escalated"] == 1

        note = {"text": "called"}
        with pytest.raises(TicketConflict):
            perform(agent_session, sectors(), tenant, stale, "note", actor, note, now=now)
        fresh = agent_session.scalar(by_number)
        perform(agent_session, sectors(), tenant, fresh, "note", actor, note, now=now)
        agent_session.commit()
    finally:
        agent_session.close()
        review_session.close()

    with tenant_scope(db.session, world.bravo.id):
        db.session.expire_all()
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == world.number))
        assert ticket.breached is True and ticket.escalation_level == 1
        assert all(m.breached_at is not None for m in ticket.milestones if m.met_at is None)
        notes = db.session.scalars(select(Event).where(Event.type == "note")).all()
        assert [n.data.get("text") for n in notes].count("called") == 1
