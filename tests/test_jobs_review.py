"""The periodic review's rules at a frozen clock on the sample sector: escalation on
breach, batch complaints, callback reminders, closing what the customer left; and a
run killed between two batches, finished by the next one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.jobs import review as review_module
from portal.jobs.ledger import run_once
from portal.models import Department, Milestone, Ticket, TicketBatch
from portal.notifications.recipients import Notice
from portal.policy.versions import active_version
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import make_tenant, make_user
from tests.jobs_kit import (
    act,
    count,
    events,
    fresh,
    new_ticket,
    outbox,
    review_at,
    set_policy,
)

T0 = datetime(2026, 9, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)


@pytest.fixture
def tenant(app):
    return make_tenant("estate")


@pytest.fixture
def agent(tenant):
    return make_user(tenant, "agent")


@pytest.fixture
def supervisor(tenant):
    return make_user(tenant, "supervisor")


def due(ticket: Ticket, name: str) -> datetime:
    return next(m.due_at for m in fresh(ticket).milestones if m.name == name)


# --- escalation on breach ----------------------------------------------------------------


def test_a_breach_escalates_one_step_once_and_tells_the_supervisors(tenant, agent, supervisor):
    ticket = new_ticket(tenant, T0)  # minor: resolve in 2 days
    act(tenant, ticket, "accept", agent, T0)
    act(tenant, ticket, "assign", agent, T0, assignee_id=agent.id)
    late = due(ticket, "resolve")

    assert review_at(late - MINUTE)["escalated"] == 0
    counts = review_at(late)
    assert counts["milestones_breached"] == 1 and counts["escalated"] == 1
    assert review_at(late)["escalated"] == 0 and review_at(late + MINUTE)["escalated"] == 0

    after = fresh(ticket)
    assert (after.escalation_level, after.assignee_id, after.breached) == (1, None, True)
    assert after.status == "assigned"  # the work goes on, one level up
    (event,) = events("escalate", ticket)
    assert event.at == late and event.data["level"] == "supervisor"
    assert event.data["trigger"] == "breach" and event.data["reason"]
    assert [m.recipient for m in outbox(Notice.ESCALATE)] == [supervisor.email]
    # The breach notice went to the assignee, before the escalation handed the ticket on.
    assert [m.recipient for m in outbox(Notice.BREACH)] == [agent.email]


def test_each_later_breach_climbs_one_more_level_up_to_the_department(tenant, agent):
    management = Department(code="management", name="管理层", tenant_id=tenant.id)
    db.session.add(management)
    db.session.commit()
    ticket = new_ticket(tenant, T0, fields={"amount": 6000})  # major: reply 2 d, resolve 15 wd
    review_at(due(ticket, "reply"))
    assert fresh(ticket).escalation_level == 1
    review_at(due(ticket, "resolve"))
    after = fresh(ticket)
    assert (after.escalation_level, after.department_id) == (2, management.id)
    assert [e.data["level"] for e in events("escalate", ticket)] == ["supervisor", "management"]


def test_tickets_at_different_levels_breached_at_once_each_climb_one_level(tenant, agent):
    """One batch holds a ticket already escalated once and a fresh one of the same tier:
    the fresh one must not be carried up twice."""
    management = Department(code="management", name="管理层", tenant_id=tenant.id)
    db.session.add(management)
    db.session.commit()
    # The fresh one first, so that it is the first row the review meets.
    later = new_ticket(tenant, T0 + timedelta(days=20), fields={"amount": 6000})
    earlier = new_ticket(tenant, T0, fields={"amount": 6000})
    review_at(due(earlier, "reply"))
    assert (fresh(earlier).escalation_level, fresh(later).escalation_level) == (1, 0)
    assert due(later, "reply") < due(earlier, "resolve")

    review_at(due(earlier, "resolve"))
    assert (fresh(earlier).escalation_level, fresh(later).escalation_level) == (2, 1)
    assert [e.data["level"] for e in events("escalate", later)] == ["supervisor"]
    # Each takes its own step's department: only the level that names one moves it.
    assert (fresh(earlier).department_id, fresh(later).department_id) == (management.id, None)


def test_a_tiers_escalation_target_is_as_high_as_a_breach_goes(tenant, agent):
    set_policy(
        tenant,
        tiers=[
            dict(tier, escalation_target="supervisor") for tier in fresh_document(tenant)["tiers"]
        ],
    )
    ticket = new_ticket(tenant, T0, fields={"amount": 6000})
    review_at(due(ticket, "reply"))
    review_at(due(ticket, "resolve"))
    assert fresh(ticket).escalation_level == 1
    assert len(events("escalate", ticket)) == 1


def fresh_document(tenant):
    with tenant_scope(db.session, tenant.id):
        return active_version(db.session, tenant).document


# --- killed in the middle ------------------------------------------------------------------


def test_a_run_killed_between_batches_is_finished_by_the_next_without_duplicates(
    app, tenant, agent, supervisor, monkeypatch
):
    app.config["REVIEW_BATCH_SIZE"] = 2
    tickets = [new_ticket(tenant, T0, phone=f"1370000000{i}") for i in range(5)]
    late = due(tickets[0], "resolve") + MINUTE
    real = review_module.escalate_breached
    calls = []

    def dies_in_the_second_batch(session, ticket_ids, now):
        calls.append(ticket_ids)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(session, ticket_ids, now)

    monkeypatch.setattr(review_module, "escalate_breached", dies_in_the_second_batch)
    with_scope = run_once(db.session, "review", 60, review_module.review, late)
    assert with_scope is not None and "killed" in (with_scope.error or "")
    assert count(Ticket, Ticket.breached.is_(True)) == 2  # the first batch stays done
    assert len(events("escalate")) == 2

    monkeypatch.setattr(review_module, "escalate_breached", real)
    again = run_once(db.session, "review", 60, review_module.review, late + MINUTE)
    assert again is not None and again.error is None
    assert again.counts["tickets_breached"] == 3 and again.counts["escalated"] == 3
    assert count(Ticket, Ticket.breached.is_(True)) == 5
    assert count(Milestone, Milestone.breached_at.is_not(None)) == 5
    assert sorted(e.ticket_id for e in events("escalate")) == sorted(t.id for t in tickets)
    breach_notices = [(m.milestone_id, m.recipient) for m in outbox(Notice.BREACH)]
    assert len(breach_notices) == len(set(breach_notices)) == 5
    assert len(outbox(Notice.ESCALATE)) == 5


# --- batch complaints ------------------------------------------------------------------------


def test_complaints_of_one_matter_within_the_window_become_one_batch(tenant, supervisor):
    set_policy(tenant, batch={"at_least": 3, "within_hours": 24, "fields": ["category"]})
    first = new_ticket(tenant, T0, category="service")
    new_ticket(tenant, T0 + timedelta(hours=1), phone="13700000001", category="service")
    other = new_ticket(tenant, T0 + timedelta(hours=2), phone="13700000002")  # no category
    assert review_at(T0 + timedelta(hours=3))["batched_tickets"] == 0

    third = new_ticket(tenant, T0 + timedelta(hours=20), phone="13700000003", category="service")
    counts = review_at(T0 + timedelta(hours=20, minutes=1))
    assert (counts["batched_tickets"], counts["batches_announced"]) == (3, 1)
    (batch,) = _batches()
    assert (batch.size, batch.first_at, batch.key) == (3, T0, "category=service")
    assert fresh(third).batch_id == fresh(first).batch_id == batch.id
    assert fresh(other).batch_id is None
    (event,) = events("batch")
    assert event.ticket_id == first.id and event.data["size"] == 3
    assert [m.recipient for m in outbox(Notice.BATCH)] == [supervisor.email]

    # A later complaint joins while the batch's latest one is younger than the window,
    # and nobody is told again.
    fourth = new_ticket(tenant, T0 + timedelta(hours=30), phone="13700000004", category="service")
    counts = review_at(T0 + timedelta(hours=30, minutes=1))
    assert (counts["batched_tickets"], counts["batches_announced"]) == (1, 0)
    assert fresh(fourth).batch_id == batch.id and _batches()[0].size == 4
    assert review_at(T0 + timedelta(hours=31))["batched_tickets"] == 0
    assert len(events("batch")) == 1 and len(outbox(Notice.BATCH)) == 1


def test_fewer_than_the_policys_number_is_no_batch(tenant):
    set_policy(tenant, batch={"at_least": 3, "within_hours": 2, "fields": ["category"]})
    new_ticket(tenant, T0, category="service")
    new_ticket(tenant, T0 + timedelta(hours=1), phone="13700000001", category="service")
    # The third comes too late for the first: two in any two hours.
    new_ticket(tenant, T0 + timedelta(hours=2, minutes=30), phone="13700000002", category="service")
    assert review_at(T0 + timedelta(hours=2, minutes=31))["batched_tickets"] == 0
    assert _batches() == []


def _batches():
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        return list(db.session.scalars(select(TicketBatch)))


# --- callbacks and customers who stay silent ----------------------------------------------

CALLBACK_WITHIN = {"within": {"amount": 3, "unit": "calendar_days"}}


def resolved_under_an_hourly_callback(tenant, agent):
    """A ticket of ``tenant`` resolved at T0 under a policy asking for a callback an
    hour after resolution."""
    set_policy(tenant, callback={**CALLBACK_WITHIN, "after": {"amount": 1, "unit": "hours"}})
    ticket = new_ticket(tenant, T0)
    act(tenant, ticket, "accept", agent, T0)
    act(tenant, ticket, "resolve", agent, T0, summary="修好了")
    return ticket


def test_a_resolved_ticket_gets_one_callback_reminder_after_the_policys_delay(tenant, agent):
    set_policy(tenant, callback={**CALLBACK_WITHIN, "after": {"amount": 1, "unit": "hours"}})
    ticket = new_ticket(tenant, T0)
    act(tenant, ticket, "accept", agent, T0)
    act(tenant, ticket, "assign", agent, T0, assignee_id=agent.id)
    resolved = T0 + timedelta(hours=2)
    act(tenant, ticket, "resolve", agent, resolved, summary="修好了")

    assert review_at(resolved + timedelta(minutes=59))["callbacks_due"] == 0
    assert review_at(resolved + timedelta(hours=1))["callbacks_due"] == 1
    assert review_at(resolved + timedelta(hours=2))["callbacks_due"] == 0
    assert [m.recipient for m in outbox(Notice.CALLBACK_DUE)] == [agent.email]
    (event,) = events("callback_due", ticket)
    assert event.data["text"]


def test_each_ticket_is_reminded_by_its_own_versions_delay(tenant, agent):
    # One claim covers every version; each ticket keeps the delay it was opened under.
    set_policy(tenant, callback={**CALLBACK_WITHIN, "after": {"amount": 4, "unit": "hours"}})
    slow = new_ticket(tenant, T0)
    set_policy(tenant, callback={**CALLBACK_WITHIN, "after": {"amount": 1, "unit": "hours"}})
    quick = new_ticket(tenant, T0, phone="13700000001")
    for ticket in (slow, quick):
        act(tenant, ticket, "accept", agent, T0)
        act(tenant, ticket, "resolve", agent, T0, summary="修好了")

    assert review_at(T0 + timedelta(hours=1))["callbacks_due"] == 1
    assert [len(events("callback_due", t)) for t in (slow, quick)] == [0, 1]
    assert review_at(T0 + timedelta(hours=3, minutes=59))["callbacks_due"] == 0
    assert review_at(T0 + timedelta(hours=4))["callbacks_due"] == 1
    assert [len(events("callback_due", t)) for t in (slow, quick)] == [1, 1]


def test_a_reopened_ticket_is_reminded_again_only_once_resolved_again(tenant, agent, supervisor):
    ticket = resolved_under_an_hourly_callback(tenant, agent)
    assert review_at(T0 + timedelta(hours=1))["callbacks_due"] == 1
    # Reopened before the second delay is up, then resolved again: nothing while it is
    # open, and one reminder an hour after the second resolution.
    act(tenant, ticket, "reopen", supervisor, T0 + timedelta(hours=2), reason="客户仍不满意")
    assert review_at(T0 + timedelta(hours=5))["callbacks_due"] == 0
    act(tenant, ticket, "accept", agent, T0 + timedelta(hours=6))
    act(tenant, ticket, "resolve", agent, T0 + timedelta(hours=6), summary="又修好了")
    assert review_at(T0 + timedelta(hours=6, minutes=59))["callbacks_due"] == 0
    assert review_at(T0 + timedelta(hours=7))["callbacks_due"] == 1
    assert review_at(T0 + timedelta(hours=9))["callbacks_due"] == 0
    assert len(events("callback_due", ticket)) == 2


def test_a_reopening_cancels_the_pending_reminder(tenant, agent, supervisor):
    ticket = resolved_under_an_hourly_callback(tenant, agent)
    act(tenant, ticket, "reopen", supervisor, T0 + timedelta(minutes=30), reason="客户仍不满意")
    assert review_at(T0 + timedelta(hours=2))["callbacks_due"] == 0
    assert events("callback_due", ticket) == []


def test_no_callback_section_no_reminder(tenant, agent):
    ticket = new_ticket(tenant, T0)
    act(tenant, ticket, "accept", agent, T0)
    act(tenant, ticket, "resolve", agent, T0, summary="好了")
    assert review_at(T0 + timedelta(days=5))["callbacks_due"] == 0


def test_a_ticket_left_waiting_on_the_customer_is_closed_where_the_policy_says(tenant, agent):
    ticket = new_ticket(tenant, T0)
    act(tenant, ticket, "accept", agent, T0)
    act(tenant, ticket, "wait_customer", agent, T0, reason="等客户提供照片")
    assert review_at(T0 + timedelta(days=30))["tickets_closed"] == 0  # no auto_close yet

    set_policy(tenant, auto_close={"pending_customer_hours": 72})
    later = new_ticket(tenant, T0, phone="13700000001")  # under the new version
    act(tenant, later, "accept", agent, T0)
    waited = T0 + timedelta(hours=1)
    act(tenant, later, "wait_customer", agent, waited, reason="等客户提供照片")
    assert review_at(waited + timedelta(hours=71, minutes=59))["tickets_closed"] == 0
    assert review_at(waited + timedelta(hours=72))["tickets_closed"] == 1
    assert review_at(waited + timedelta(hours=73))["tickets_closed"] == 0

    closed = fresh(later)
    assert (closed.status, closed.closed_at) == ("closed", waited + timedelta(hours=72))
    assert closed.next_due_at is None
    assert all(m.cancelled_at is not None for m in closed.milestones if m.met_at is None)
    (event,) = events("close", later)
    assert "72" in event.data["comment"]
    assert fresh(ticket).status == "pending_customer"  # its version has no auto_close


def test_the_review_counts_start_at_zero_on_an_empty_database(app):
    counts = review_at(datetime(2026, 1, 1, tzinfo=UTC))
    assert counts["milestones_breached"] == counts["notices_queued"] == 0
