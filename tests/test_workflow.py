"""The ticket lifecycle (portal.workflow.perform) on the sample sector's rules."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.jobs.review import mark_breaches
from portal.models import Department, Event, Ticket
from portal.plugins import sectors
from portal.tenancy import set_scope, tenant_scope
from portal.validation import InvalidInput
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.perform import ActionRefused, TicketConflict, perform
from tests.conftest import make_app, make_tenant, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    set_scope(db.session, tenant.id)
    with force_locale("en"):
        yield tenant


@pytest.fixture
def agent(tenant):
    return make_user(tenant, "agent")


def new_ticket(tenant, **fields):
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "电梯故障",
        "customer": {"name": "李先生", "phone": "13700000000"},
        "fields": fields,
    }
    ticket = open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=T0)
    db.session.commit()
    return ticket


def act(tenant, ticket, name, actor, at=T0, **payload):
    event = perform(db.session, sectors(), tenant, ticket, name, actor, payload, now=at)
    db.session.commit()
    return event


def milestone(ticket, name):
    return next(m for m in ticket.milestones if m.name == name)


def test_a_complaint_walks_the_whole_lifecycle(tenant, agent):
    ticket = new_ticket(tenant, amount=8000)
    steps = [
        ("accept", {}),
        ("assign", {"assignee_id": agent.id}),
        ("start", {}),
        ("reply", {"message": "已安排维修"}),
        ("resolve", {"summary": "电梯已修复"}),
        ("callback", {"solved": True, "attitude": "satisfied", "score": 9}),
        ("close", {}),
    ]
    for hour, (name, payload) in enumerate(steps, start=1):
        act(tenant, ticket, name, agent, at=T0 + timedelta(hours=hour), **payload)
    assert ticket.status == "closed"
    assert [e.type for e in ticket.events] == ["created"] + [name for name, _ in steps]
    assert ticket.first_responder_id == agent.id
    assert milestone(ticket, "reply").met_at == T0 + timedelta(hours=4)
    assert milestone(ticket, "resolve").met_at == T0 + timedelta(hours=5)
    # resolving started the callback clock; the callback met it
    assert milestone(ticket, "callback").started_at == T0 + timedelta(hours=5)
    assert milestone(ticket, "callback").met_at == T0 + timedelta(hours=6)
    assert ticket.next_due_at is None and ticket.closed_at == T0 + timedelta(hours=7)
    assert ticket.events[4].public is True  # the reply is shown to the customer


def test_an_action_in_the_wrong_state_is_refused_and_changes_nothing(tenant, agent):
    ticket = new_ticket(tenant)
    with pytest.raises(ActionRefused, match="is not possible while the ticket is New"):
        act(tenant, ticket, "resolve", agent, summary="done")
    db.session.rollback()
    assert ticket.status == "new"
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_roles_are_checked(tenant):
    auditor = make_user(tenant, "auditor")
    agent = make_user(tenant, "agent")
    ticket = new_ticket(tenant)
    with pytest.raises(ActionRefused) as refused:
        act(tenant, ticket, "accept", auditor)
    assert refused.value.code == "forbidden"
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "resolve", agent)
    with pytest.raises(ActionRefused, match="Your role may not"):
        act(tenant, ticket, "reopen", agent, reason="客户不满意")  # supervisors reopen
    act(tenant, ticket, "reopen", make_user(tenant, "supervisor"), reason="客户不满意")
    assert ticket.status == "reopened"


def test_bad_input_is_refused_with_the_field(tenant, agent):
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "resolve", agent)
    with pytest.raises(InvalidInput) as caught:
        act(tenant, ticket, "callback", agent, solved=True, attitude="happy", score=11)
    assert set(caught.value.problems) == {"attitude", "score"}
    with pytest.raises(ActionRefused, match="no action"):
        act(tenant, ticket, "teleport", agent)


def test_overriding_the_classification_needs_a_reason_and_replans(tenant, agent):
    ticket = new_ticket(tenant)  # minor: resolve in 2 days
    with pytest.raises(InvalidInput, match="reason"):
        act(tenant, ticket, "accept", agent, tier="major")
    db.session.rollback()
    act(tenant, ticket, "accept", agent, tier="major", reason="涉及人身安全")
    assert ticket.tier == "major"
    assert {m.name for m in ticket.milestones} == {"reply", "resolve"}
    assert ticket.events[-1].data["tier"] == ["minor", "major"]


def test_waiting_on_the_customer_pauses_only_pausable_milestones(tenant, agent):
    ticket = new_ticket(tenant, amount=9000)
    reply_due, resolve_due = milestone(ticket, "reply").due_at, milestone(ticket, "resolve").due_at
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "wait_customer", agent, at=T0 + timedelta(hours=1), reason="等待照片")
    act(tenant, ticket, "resume", agent, at=T0 + timedelta(hours=6))
    assert milestone(ticket, "reply").due_at == reply_due + timedelta(hours=5)
    assert milestone(ticket, "resolve").due_at == resolve_due  # not pausable
    assert milestone(ticket, "reply").pauses == [
        [
            (T0 + timedelta(hours=1)).astimezone(UTC).isoformat(),
            (T0 + timedelta(hours=6)).astimezone(UTC).isoformat(),
        ]
    ]


def test_an_unsatisfied_callback_reopens_the_case(tenant, agent):
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "resolve", agent)
    act(tenant, ticket, "callback", agent, solved=False, attitude="neutral", score=4)
    assert ticket.status == "reopened"
    assert ticket.events[-1].data["survey"]["score"] == 4


def test_invalidating_needs_a_reason_code_of_the_policy_and_stops_the_clocks(tenant, agent):
    ticket = new_ticket(tenant)
    with pytest.raises(InvalidInput, match="anonymous"):
        act(tenant, ticket, "invalidate", agent, reason="bored")
    db.session.rollback()
    act(tenant, ticket, "invalidate", agent, reason="anonymous")
    assert (ticket.status, ticket.validity, ticket.validity_reasons) == (
        "invalid",
        "invalid",
        ["anonymous"],
    )
    assert all(m.cancelled_at is not None for m in ticket.milestones)
    assert mark_breaches(db.session, T0 + timedelta(days=30))["milestones_breached"] == 0


def test_escalation_climbs_the_policy_chain_and_stops_at_the_top(tenant, agent):
    management = Department(code="management", name="管理层")
    db.session.add(management)
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "escalate", agent, reason="客户要求")
    assert (ticket.status, ticket.escalation_level) == ("escalated", 1)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "escalate", agent, reason="仍不满意")
    assert (ticket.escalation_level, ticket.department_id) == (2, management.id)
    act(tenant, ticket, "accept", agent)
    with pytest.raises(ActionRefused, match="top of the escalation chain"):
        act(tenant, ticket, "escalate", agent, reason="再次")


def test_assigning_to_another_tenants_people_is_refused(app, tenant, agent):
    other = make_tenant("elsewhere")
    with tenant_scope(db.session, other.id):
        stranger = make_user(other, "agent")
        foreign = Department(code="x", name="外部")
        db.session.add(foreign)
        db.session.commit()
        stranger_id, foreign_id = stranger.id, foreign.id
    set_scope(db.session, tenant.id)
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    with pytest.raises(InvalidInput, match="assignee_id"):
        act(tenant, ticket, "assign", agent, assignee_id=stranger_id)
    db.session.rollback()
    with pytest.raises(InvalidInput, match="department_id"):
        act(tenant, ticket, "assign", agent, department_id=foreign_id)


def test_a_second_writer_from_a_stale_copy_gets_a_conflict(tenant, agent):
    ticket = new_ticket(tenant)
    seen = ticket.version
    other = Session(db.engine)
    set_scope(other, tenant.id)
    stale = other.get(Ticket, ticket.id)
    act(tenant, ticket, "accept", agent)

    with pytest.raises(TicketConflict, match="Someone else changed this ticket"):
        perform(
            other, sectors(), tenant, stale, "invalidate", agent, {"reason": "anonymous"}, now=T0
        )
    other.close()
    with pytest.raises(TicketConflict):
        perform(
            db.session,
            sectors(),
            tenant,
            ticket,
            "note",
            agent,
            {"text": "x"},
            now=T0,
            expected_version=seen,
        )
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "accepted"


def test_a_sector_guard_can_refuse_an_action(migrated_url):
    app = make_app(migrated_url, EXTRA_SECTORS={"guarded": "tests.plugins.guarded"})
    with app.app_context():
        from portal.tenancy import ALL_TENANTS

        set_scope(db.session, ALL_TENANTS)
        tenant = make_tenant("shop", sector="guarded")
        set_scope(db.session, tenant.id)
        agent = make_user(tenant, "agent")
        ticket = new_ticket(tenant)
        act(tenant, ticket, "accept", agent)
        with pytest.raises(ActionRefused, match="three confirmations"):
            act(tenant, ticket, "resolve", agent)
        db.session.rollback()
        act(tenant, ticket, "note", agent, text="confirmed by all three")
        act(tenant, ticket, "resolve", agent)
        assert ticket.status == "resolved"
        db.session.remove()
