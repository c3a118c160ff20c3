"""The periodic review marks overdue milestones once, and the ledger runs a slot once."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.ledger import run_once, slot_for
from portal.jobs.review import mark_breaches
from portal.models import JobRun, Milestone, Ticket
from portal.numbering import next_ticket_number
from portal.tenancy import tenant_scope
from tests.conftest import make_tenant

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _ticket_with(tenant, *dues, met=None):
    with tenant_scope(db.session, tenant.id):
        ticket = Ticket(
            number=next_ticket_number(db.session, tenant, NOW),
            kind="complaint",
            status="assigned",
            channel="phone",
            subject="s",
        )
        for i, due in enumerate(dues):
            ticket.milestones.append(
                Milestone(name=f"m{i}", started_at=NOW - timedelta(days=3), due_at=due, met_at=met)
            )
        db.session.add(ticket)
        db.session.commit()
        return ticket.id


def test_overdue_unmet_milestones_are_breached_once(app):
    tenant = make_tenant("acme")
    late = _ticket_with(tenant, NOW - timedelta(minutes=1))
    on_time = _ticket_with(tenant, NOW + timedelta(hours=1))
    met = _ticket_with(tenant, NOW - timedelta(hours=1), met=NOW - timedelta(hours=2))

    first = mark_breaches(db.session, NOW)
    second = mark_breaches(db.session, NOW + timedelta(seconds=30))
    db.session.commit()

    assert first == {"milestones_breached": 1, "tickets_breached": 1}
    assert second == {"milestones_breached": 0, "tickets_breached": 0}
    flags = dict(db.session.execute(select(Ticket.id, Ticket.breached)).all())
    assert flags == {late: True, on_time: False, met: False}
    breached_at = db.session.scalar(
        select(Milestone.breached_at).where(Milestone.ticket_id == late)
    )
    assert breached_at == NOW


def test_review_covers_every_tenant(app):
    a, b = make_tenant("a-co"), make_tenant("b-co")
    _ticket_with(a, NOW - timedelta(minutes=5))
    _ticket_with(b, NOW - timedelta(minutes=5))
    assert mark_breaches(db.session, NOW)["tickets_breached"] == 2


def test_a_slot_runs_once_however_often_it_fires(app):
    tenant = make_tenant("acme")
    _ticket_with(tenant, NOW - timedelta(minutes=1))
    first = run_once(db.session, "review", 60, mark_breaches, NOW)
    again = run_once(db.session, "review", 60, mark_breaches, NOW + timedelta(seconds=20))
    assert first is not None and first.counts["milestones_breached"] == 1
    assert first.finished_at is not None and first.error is None
    assert again is None
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_a_failing_job_records_its_error_and_writes_nothing(app):
    tenant = make_tenant("acme")
    ticket = _ticket_with(tenant, NOW - timedelta(minutes=1))

    def half_done(session, now):
        mark_breaches(session, now)
        raise RuntimeError("disk full")

    run = run_once(db.session, "review", 60, half_done, NOW)
    assert run is not None and "disk full" in run.error
    assert db.session.get(Ticket, ticket).breached is False


def test_slots_are_interval_starts():
    assert slot_for(datetime(2026, 11, 23, 8, 0, 59, tzinfo=UTC), 60) == "2026-11-23T08:00:00Z"
    assert slot_for(datetime(2026, 11, 23, 8, 1, 0, tzinfo=UTC), 60) == "2026-11-23T08:01:00Z"
