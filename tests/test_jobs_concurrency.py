"""Several schedulers at once, on PostgreSQL: every breach is recorded, escalated and
notified exactly once, whether two real scheduler processes share the database or two
reviews run the same work side by side."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.jobs.review import review
from portal.models import JobRun, Milestone, OutboxMessage, utcnow
from portal.notifications.recipients import Notice
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import make_tenant, make_user
from tests.jobs_kit import count, events, new_ticket, outbox

ROOT = Path(__file__).resolve().parent.parent
TICKETS = 12


@pytest.fixture
def on_postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent schedulers need PostgreSQL")
    return app


@pytest.fixture
def overdue(on_postgres):
    """Tickets of the sample sector opened 10 days ago: every deadline has passed."""
    tenant = make_tenant("estate")
    make_user(tenant, "supervisor")
    opened = utcnow() - timedelta(days=10)
    return [new_ticket(tenant, opened, phone=f"137000000{i:02d}") for i in range(TICKETS)]


def assert_each_breach_once(tickets):
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        breached = list(
            db.session.scalars(select(Milestone).where(Milestone.breached_at.is_not(None)))
        )
        notices = [(m.milestone_id, m.recipient) for m in outbox(Notice.BREACH)]
    assert len(breached) == count(Milestone) == TICKETS
    assert len(notices) == len(set(notices)) == TICKETS
    per_ticket = Counter(event.ticket_id for event in events("escalate"))
    assert per_ticket == {ticket.id: 1 for ticket in tickets}
    escalation_notices = [m.event_id for m in outbox(Notice.ESCALATE)]
    assert sorted(escalation_notices) == sorted(e.id for e in events("escalate"))


def test_two_reviews_at_once_share_the_work_and_do_it_once(overdue, app):
    app.config["REVIEW_BATCH_SIZE"] = 2
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(offset: int) -> None:
        try:
            with app.app_context():
                start.wait()
                with tenant_scope(db.session, ALL_TENANTS):
                    review(db.session, utcnow() + timedelta(milliseconds=offset))
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert_each_breach_once(overdue)


def _scheduler(url: str, tmp: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TOUSU_DATABASE_URL": url,
        "TOUSU_SECRET_KEY": "test-secret",
        "TOUSU_EXTRA_SECTORS": '{"sample": "tests.plugins.sample"}',
        "TOUSU_REVIEW_INTERVAL_SECONDS": "1",
        "TOUSU_REVIEW_BATCH_SIZE": "3",
        "TOUSU_OUTBOX_INTERVAL_SECONDS": "3600",
        "TOUSU_REPORTS_INTERVAL_SECONDS": "3600",
        "TOUSU_OUTBOX_DIR": str(tmp / "outbox"),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "scheduler"]
    log = (tmp / f"{name}.log").open("wb")
    return subprocess.Popen(flask, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _review_runs() -> int:
    db.session.expire_all()
    return count(JobRun, JobRun.job == "review", JobRun.error.is_(None))


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the schedulers did not get there in time"
        time.sleep(0.5)


def test_two_scheduler_processes_record_every_breach_once(overdue, migrated_url, tmp_path):
    leader = _scheduler(migrated_url, tmp_path, "leader")
    processes = [leader]
    try:
        # The standby starts while the leader works through the batches.
        _wait_for(
            lambda: _review_runs() >= 1 or count(Milestone, Milestone.breached_at.is_not(None)) > 0,
            60,
        )
        processes.append(_scheduler(migrated_url, tmp_path, "standby"))
        _wait_for(lambda: count(Milestone, Milestone.breached_at.is_not(None)) == TICKETS, 60)
        runs = _review_runs()
        _wait_for(lambda: _review_runs() >= runs + 2, 30)  # more slots, nothing left to do
        # The leader dies; the standby takes over and finds the work done.
        leader.kill()
        leader.wait(timeout=10)
        runs = _review_runs()
        _wait_for(lambda: _review_runs() >= runs + 3, 30)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
    assert_each_breach_once(overdue)
    with tenant_scope(db.session, ALL_TENANTS):
        slots = list(db.session.scalars(select(JobRun.slot).where(JobRun.job == "review")))
        assert count(OutboxMessage) == len(outbox(Notice.BREACH)) + len(outbox(Notice.ESCALATE))
    assert len(slots) == len(set(slots))
