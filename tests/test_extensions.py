"""Deadline extensions (延期): request, approve, refuse, through perform().

The sample sector's tiers allow no extensions, so the tenant runs a version of its
policy that does: major deadlines by up to 3 working days with a supervisor's approval,
important ones by up to 2 calendar days with a general manager's (a role no user can
hold, so the tenant admin decides); minor ones still allow none.
"""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from portal.extensions import db
from portal.jobs.review import mark_breaches
from portal.plugins import sectors
from portal.policy.versions import activate, save_version
from portal.tenancy import set_scope
from portal.validation import InvalidInput
from portal.workflow.perform import ActionRefused
from tests.conftest import make_tenant, make_user
from tests.plugins.sample import POLICY
from tests.test_workflow import SHANGHAI, T0, act, milestone, new_ticket

MAJOR = {"amount": 8000}  # reply: end of Wed 30 Sept; resolve: end of Fri 23 Oct
IMPORTANT = {"company_fault": True}  # resolve: 3 days reach the holiday, end of Thu 8 Oct


def local_midnight(y, m, d):
    return datetime(y, m, d, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    set_scope(db.session, tenant.id)
    draft = copy.deepcopy(POLICY)
    major, important, _minor = draft["tiers"]
    major["extension"] = {
        "approver_role": "supervisor",
        "max": {"amount": 3, "unit": "working_days"},
    }
    important["extension"] = {
        "approver_role": "general_manager",
        "max": {"amount": 2, "unit": "calendar_days"},
    }
    version = save_version(db.session, tenant, draft, registry=sectors(), comment="extensions")
    activate(db.session, tenant, version)
    db.session.commit()
    with force_locale("en"):
        yield tenant


@pytest.fixture
def agent(tenant):
    return make_user(tenant, "agent")


@pytest.fixture
def supervisor(tenant):
    return make_user(tenant, "supervisor")


@pytest.fixture
def admin(tenant):
    return make_user(tenant, "tenant_admin")


def state(ticket):
    """Everything a refused extension must leave as it was."""
    return (
        ticket.version,
        [e.type for e in ticket.events],
        {m.name: (m.due_at, m.breached_at, m.rule) for m in ticket.milestones},
        ticket.next_due_at,
        ticket.breached,
    )


def ask(milestone, amount=1, unit="hours", reason="需要更多时间"):
    """An extension request's payload."""
    return {"milestone": milestone, "amount": amount, "unit": unit, "reason": reason}


def refused(tenant, ticket, name, actor, match, at=T0, **payload):
    """Take an action that must be refused, and check that it changed nothing."""
    before = state(ticket)
    with pytest.raises((ActionRefused, InvalidInput), match=match) as caught:
        act(tenant, ticket, name, actor, at=at, **payload)
    assert state(ticket) == before
    db.session.rollback()
    assert state(ticket) == before
    return caught.value


def test_an_approved_extension_moves_the_due_time_exactly(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    due = milestone(ticket, "reply").due_at
    assert due == local_midnight(2026, 10, 1)
    act(tenant, ticket, "extend", agent, **ask("reply", 5))
    assert milestone(ticket, "reply").due_at == due  # a request moves nothing yet

    event = act(tenant, ticket, "approve_extension", supervisor, milestone="reply")

    assert milestone(ticket, "reply").due_at == due + timedelta(hours=5)
    assert ticket.next_due_at == due + timedelta(hours=5)
    assert event.data["due_at"] == [due.isoformat(), (due + timedelta(hours=5)).isoformat()]
    assert [e.type for e in ticket.events][-2:] == ["extend", "approve_extension"]


def test_an_extension_survives_a_pause(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    due = milestone(ticket, "reply").due_at
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "extend", agent, **ask("reply", 5))
    act(tenant, ticket, "approve_extension", supervisor, milestone="reply")
    act(tenant, ticket, "wait_customer", agent, at=T0 + timedelta(hours=1), reason="等待照片")
    act(tenant, ticket, "resume", agent, at=T0 + timedelta(hours=3))
    # resuming recomputes the due time from the rule: the pause and the extension both count
    assert milestone(ticket, "reply").due_at == due + timedelta(hours=7)


def test_the_maximum_is_counted_in_working_days_across_national_day(tenant, agent):
    ticket = new_ticket(tenant, **MAJOR)
    # 3 working days after Wed 30 Sept: 1-7 Oct are the holiday, then Thu 8, Fri 9 and
    # the make-up Saturday 10 Oct (调休).
    latest = local_midnight(2026, 10, 11)
    problem = refused(
        tenant, ticket, "extend", agent, "2026-10-11 00:00", **ask("reply", 4, "working_days")
    )
    assert problem.code == "beyond_max"
    too_late = (latest + timedelta(minutes=1)).isoformat()
    refused(
        tenant,
        ticket,
        "extend",
        agent,
        "at the latest",
        milestone="reply",
        due_at=too_late,
        reason="x",
    )
    event = act(tenant, ticket, "extend", agent, **ask("reply", 3, "working_days"))
    assert event.data["due_at"][1] == latest.isoformat()


def test_the_maximum_bounds_all_extensions_together(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    act(tenant, ticket, "extend", agent, **ask("reply", 2, "working_days"))
    act(tenant, ticket, "approve_extension", supervisor, milestone="reply")
    assert milestone(ticket, "reply").due_at == local_midnight(2026, 10, 10)
    refused(tenant, ticket, "extend", agent, "2026-10-11 00:00", **ask("reply", 2, "working_days"))
    act(tenant, ticket, "extend", agent, **ask("reply", 1, "working_days"))
    act(tenant, ticket, "approve_extension", supervisor, milestone="reply")
    assert milestone(ticket, "reply").due_at == local_midnight(2026, 10, 11)


def test_a_day_counts_from_the_day_the_deadline_ends(tenant, agent, admin):
    ticket = new_ticket(tenant, **IMPORTANT)
    assert milestone(ticket, "resolve").due_at == local_midnight(2026, 10, 9)  # end of Thu 8
    act(tenant, ticket, "extend", agent, **ask("resolve", 1, "working_days"))
    act(tenant, ticket, "approve_extension", admin, milestone="resolve")
    assert milestone(ticket, "resolve").due_at == local_midnight(2026, 10, 10)  # end of Fri 9


def test_only_the_approver_the_tier_names_decides(tenant, agent, supervisor, admin):
    major = new_ticket(tenant, **MAJOR)
    act(tenant, major, "extend", agent, **ask("reply"))
    problem = refused(tenant, major, "approve_extension", agent, "may not", milestone="reply")
    assert problem.status == 403
    problem = refused(
        tenant, major, "approve_extension", admin, "Only a supervisor", milestone="reply"
    )
    assert (problem.code, problem.status) == ("not_approver", 403)
    refused(tenant, major, "refuse_extension", admin, "Only a supervisor", milestone="reply")

    # a general manager is a role nobody holds here: the tenant admin decides
    important = new_ticket(tenant, **IMPORTANT)
    act(tenant, important, "extend", agent, **ask("resolve"))
    refused(
        tenant,
        important,
        "approve_extension",
        supervisor,
        "Only a tenant admin",
        milestone="resolve",
    )
    act(tenant, important, "approve_extension", admin, milestone="resolve")


def test_nobody_approves_their_own_request_but_a_tenant_admin(tenant, supervisor, admin):
    major = new_ticket(tenant, **MAJOR)
    act(tenant, major, "extend", supervisor, **ask("reply"))
    problem = refused(
        tenant, major, "approve_extension", supervisor, "someone else", milestone="reply"
    )
    assert problem.code == "own_request"
    colleague = make_user(tenant, "supervisor", "colleague@estate.example.com")
    act(tenant, major, "approve_extension", colleague, milestone="reply")

    important = new_ticket(tenant, **IMPORTANT)
    due = milestone(important, "resolve").due_at
    act(tenant, important, "extend", admin, **ask("resolve"))
    act(tenant, important, "approve_extension", admin, milestone="resolve")
    assert milestone(important, "resolve").due_at == due + timedelta(hours=1)


def test_a_decision_needs_a_pending_request(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    nothing = "No extension of reply"
    problem = refused(tenant, ticket, "approve_extension", supervisor, nothing, milestone="reply")
    assert problem.code == "nothing_pending"
    act(tenant, ticket, "extend", agent, **ask("reply"))
    refused(tenant, ticket, "extend", agent, "already waiting", **ask("reply", 2))
    act(tenant, ticket, "refuse_extension", supervisor, milestone="reply", comment="不同意")
    refused(tenant, ticket, "approve_extension", supervisor, nothing, milestone="reply")
    # a request for another milestone is not pending for this one
    act(tenant, ticket, "extend", agent, **ask("resolve"))
    refused(tenant, ticket, "approve_extension", supervisor, nothing, milestone="reply")


def test_refusing_keeps_the_due_time(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    due = milestone(ticket, "reply").due_at
    act(tenant, ticket, "extend", agent, **ask("reply"))
    event = act(tenant, ticket, "refuse_extension", supervisor, milestone="reply", comment="否")
    assert milestone(ticket, "reply").due_at == due and ticket.next_due_at == due
    assert event.data["comment"] == "否"
    assert "extensions" not in milestone(ticket, "reply").rule


def test_approving_clears_a_breach(tenant, agent, supervisor):
    ticket = new_ticket(tenant, **MAJOR)
    later = T0 + timedelta(days=4)  # Fri 2 Oct: the reply was due at the end of 30 Sept
    mark_breaches(db.session, later)
    db.session.commit()
    db.session.refresh(ticket)
    assert ticket.breached and milestone(ticket, "reply").breached
    new_due = datetime(2026, 10, 9, 12, 0, tzinfo=SHANGHAI)
    act(
        tenant,
        ticket,
        "extend",
        agent,
        at=later,
        milestone="reply",
        due_at=new_due.isoformat(),
        reason="客户出差",
    )
    act(tenant, ticket, "approve_extension", supervisor, at=later, milestone="reply")
    assert milestone(ticket, "reply").due_at == new_due
    assert not milestone(ticket, "reply").breached and not ticket.breached


def test_a_tier_without_an_extension_rule_refuses(tenant, agent):
    ticket = new_ticket(tenant)  # minor
    problem = refused(
        tenant, ticket, "extend", agent, "allows no deadline extensions", **ask("resolve")
    )
    assert problem.code == "no_extensions"


def test_only_a_running_deadline_can_be_extended(tenant, agent):
    ticket = new_ticket(tenant, **MAJOR)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "wait_customer", agent, reason="等待照片")
    refused(tenant, ticket, "extend", agent, "paused", **ask("reply"))
    act(tenant, ticket, "resume", agent)
    act(tenant, ticket, "reply", agent, message="已处理")  # meets the reply deadline
    refused(tenant, ticket, "extend", agent, "already met", **ask("reply"))


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"milestone": "reply", "reason": "x"}, "give a new due time"),
        ({"milestone": "reply", "amount": 2, "reason": "x"}, "give a new due time"),
        ({**ask("reply"), "due_at": "2026-10-02T00:00+08:00"}, "not both"),
        (ask("reply", 1.5, "working_days"), "whole"),
        (ask("reply", 1, "requested"), "requested"),
        (ask("lunch"), "one of reply, resolve"),
        (
            {"milestone": "reply", "due_at": "2026-09-30T12:00+08:00", "reason": "x"},
            "past its current due time",
        ),
    ],
)
def test_a_bad_request_is_refused_and_changes_nothing(tenant, agent, payload, problem):
    ticket = new_ticket(tenant, **MAJOR)
    refused(tenant, ticket, "extend", agent, problem, **payload)
