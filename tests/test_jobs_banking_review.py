"""The banking sector's periodic independent review, a job from the sector_jobs hook."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugins.banking.review_sample import EVENT
from portal.extensions import db
from portal.jobs.ledger import run_once
from portal.jobs.scheduler import all_jobs
from portal.models import Department, Ticket
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import make_tenant
from tests.jobs_kit import events, new_ticket, set_policy

CLOSED = datetime(2026, 8, 10, 2, 0, tzinfo=UTC)  # Q3 2026
AFTER_Q3 = datetime(2026, 10, 2, 1, 0, tzinfo=UTC)
BODY = {
    "channel": "counter",
    "category": "service",
    "fields": {"product": "deposit", "branch": "鼓楼支行"},
}


@pytest.fixture
def bank(app):
    tenant = make_tenant("bank", sector="banking")
    set_policy(
        tenant, independent_review={"share": 0.2, "period": "quarterly", "department": "audit"}
    )
    return tenant


def departments(tenant):
    with tenant_scope(db.session, tenant.id):
        audit = Department(code="audit", name="内审部")
        branch = Department(code="cp_branch", name="分行消保部")
        db.session.add_all([audit, branch])
        db.session.commit()
        return audit.id, branch.id


def closed_tickets(tenant, department_id, n, start=0, at=CLOSED):
    ids = []
    for i in range(start, start + n):
        ticket = new_ticket(tenant, at - timedelta(days=5), phone=f"1390000{i:04d}", **BODY)
        with tenant_scope(db.session, tenant.id):
            ticket.status, ticket.closed_at, ticket.department_id = "closed", at, department_id
            db.session.commit()
        ids.append(ticket.id)
    return ids


def sample_job(app):
    (job,) = [(name, body) for name, _, body in all_jobs(app) if name == "banking.review_sample"]
    return job


def run(app, now):
    name, body = sample_job(app)
    with tenant_scope(db.session, ALL_TENANTS):
        return run_once(db.session, name, 86400, body, now)


def sampled():
    return sorted(e.ticket_id for e in events(EVENT))


def test_a_share_of_the_periods_closed_tickets_goes_to_a_department_that_did_not_handle_them(
    app, bank
):
    audit, branch = departments(bank)
    handled_by_branch = closed_tickets(bank, branch, 17)
    closed_tickets(bank, audit, 10, start=100)  # the auditors' own: never theirs to review
    unassigned = closed_tickets(bank, None, 3, start=200)
    closed_tickets(bank, branch, 5, start=300, at=AFTER_Q3)  # the current quarter

    first = run(app, AFTER_Q3)
    assert first is not None and first.error is None
    assert first.counts == {"tenants": 1, "tickets_sampled": math.ceil(0.2 * 20)}
    picked = sampled()
    assert len(picked) == 4 and set(picked) <= set(handled_by_branch + unassigned)
    (event, *_) = events(EVENT)
    assert event.data["period"] == "2026-Q3" and event.data["department"] == "audit"

    # The next day's run finds the period sampled; a ticket closed late into the
    # period tops the sample up to its share, keeping the tickets already picked.
    assert run(app, AFTER_Q3 + timedelta(days=1)).counts["tickets_sampled"] == 0
    closed_tickets(bank, branch, 5, start=400)
    assert run(app, AFTER_Q3 + timedelta(days=2)).counts["tickets_sampled"] == 1
    assert set(picked) < set(sampled())


def test_the_sample_is_the_same_whoever_draws_it(app, bank):
    _, branch = departments(bank)
    closed_tickets(bank, branch, 30)
    run(app, AFTER_Q3)
    first = sampled()
    with tenant_scope(db.session, ALL_TENANTS):
        for event in events(EVENT):
            db.session.delete(event)
        db.session.commit()
    run(app, AFTER_Q3 + timedelta(days=1))
    assert sampled() == first and len(first) == 6


def test_without_the_reviewing_department_nothing_is_sampled(app, bank):
    closed_tickets(bank, None, 10)
    assert run(app, AFTER_Q3).counts["tickets_sampled"] == 0


def test_other_sectors_have_no_such_job_and_tenants_of_other_sectors_are_left_out(app, bank):
    other = make_tenant("estate")
    ticket = new_ticket(other, CLOSED - timedelta(days=5))
    with tenant_scope(db.session, other.id):
        db.session.get(Ticket, ticket.id).status = "closed"
        db.session.commit()
    samples = [name for name, _, _ in all_jobs(app) if name.endswith("review_sample")]
    assert samples == ["banking.review_sample"]
    assert run(app, AFTER_Q3).counts["tenants"] == 1
    with tenant_scope(db.session, ALL_TENANTS):
        assert db.session.scalars(select(Ticket.id)).all()
