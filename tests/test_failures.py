"""When things break: the database going away answers 503 and writes nothing, the app
recovers when it returns, and a scheduler killed mid-run is made good by the next run.

(SMTP down leaving messages queued and retried is proven in tests/test_notifications.py:
test_a_failed_delivery_is_retried_later_and_then_sent.)
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, func, select, text

from portal.extensions import db
from portal.jobs.ledger import run_once
from portal.jobs.review import review
from portal.models import JobRun, Milestone, Ticket, utcnow
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from tests.conftest import make_app
from tests.security_world import build_world
from tests.test_api import BODY

#: Nothing listens here: connecting fails at once, as with a database that is down.
CLOSED_PORT_URL = "postgresql://nobody@127.0.0.1:9/tousu"


def test_a_database_that_is_down_answers_503_in_json_and_in_pages(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("needs no database; runs once")
    app = make_app(CLOSED_PORT_URL)
    with app.app_context():
        client = app.test_client()
        api = client.get("/api/v1/tickets", headers={"Authorization": "Bearer tsk_ab_cd"})
        assert api.status_code == 503
        assert api.get_json()["error"]["code"] == "database_unavailable"
        page = client.get("/t/alpha/", headers={"Accept-Language": "en"})
        assert page.status_code == 503
        assert "database is unavailable" in page.get_data(as_text=True)
        assert page.headers["Retry-After"]


def test_a_connection_killed_mid_request_writes_nothing_and_the_next_request_works(
    app, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("terminates a PostgreSQL backend")
    world = build_world()
    headers = {"Authorization": f"Bearer {world.alpha_key}"}
    killer = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")

    def terminate(session, flush_context):
        # After the ticket's rows are flushed, before the commit: the worst moment.
        pid = session.connection().execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    client = app.test_client()
    event.listen(db.session, "after_flush", terminate, once=True)
    try:
        response = client.post("/api/v1/tickets", json=BODY, headers=headers)
    finally:
        if event.contains(db.session, "after_flush", terminate):
            event.remove(db.session, "after_flush", terminate)
        killer.dispose()
    assert response.status_code == 503, response.get_data(as_text=True)
    with tenant_scope(db.session, world.alpha.id):
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    again = client.post("/api/v1/tickets", json=BODY, headers=headers)
    assert again.status_code == 201


def test_a_review_killed_mid_run_is_made_good_by_the_next_run(app):
    """The process dies after a committed batch: that batch stays done, the run stays
    unfinished in the ledger, and the next run neither repeats it nor misses the rest.
    (Dying between two batches: tests/test_jobs_review.py.)"""
    world = build_world()
    now = utcnow()
    with tenant_scope(db.session, world.bravo.id):
        ticket = db.session.scalar(select(Ticket))
        for milestone in ticket.milestones:
            milestone.due_at, milestone.met_at = now - timedelta(hours=1), None
        overdue = len(ticket.milestones)
        db.session.commit()

    def killed(session, at):
        review(session, at)
        raise KeyboardInterrupt  # not an error the job records: the process dies here

    with pytest.raises(KeyboardInterrupt):
        run_once(db.session, "review", 60, killed, now)
    db.session.rollback()  # what the database does with a dead process's transaction
    set_scope(db.session, ALL_TENANTS)
    breached = select(func.count()).select_from(Milestone).where(Milestone.breached_at.is_not(None))
    assert db.session.scalar(breached) == overdue
    unfinished = db.session.scalar(select(JobRun).where(JobRun.job == "review"))
    assert unfinished is not None and unfinished.finished_at is None

    assert run_once(db.session, "review", 60, review, now) is None  # its slot stays taken
    later = run_once(db.session, "review", 60, review, now + timedelta(seconds=60))
    assert later is not None and later.error is None
    assert later.counts.get("milestones_breached", 0) == 0
    assert db.session.scalar(breached) == overdue
