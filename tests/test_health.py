"""GET /healthz: 200 while the database answers, 503 when it does not; and per job,
when it last succeeded and whether that is late or failing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.jobs.ledger import run_once
from portal.models import utcnow
from tests.conftest import make_app
from tests.test_failures import CLOSED_PORT_URL


def _review(now, body=lambda session, now: {}):
    return run_once(db.session, "review", 60, body, now)


def _fail(session, now):
    raise RuntimeError("the review broke")


def test_a_fresh_instance_is_up_and_says_its_jobs_have_never_run(app):
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    health = answer.get_json()
    assert (health["status"], health["database"]) == ("ok", "ok")
    assert {"review", "outbox", "reports"} <= set(health["jobs"])
    assert health["jobs"]["review"] == {"last_success_at": None, "late": True, "failing": False}


def test_a_review_that_ran_is_on_time_until_three_intervals_pass(app):
    ran = _review(utcnow() - timedelta(minutes=2))
    review = app.test_client().get("/healthz").get_json()["jobs"]["review"]
    assert review["late"] is False and review["failing"] is False
    assert review["last_success_at"] == ran.finished_at.isoformat().replace("+00:00", "Z")

    ran.finished_at = utcnow() - timedelta(minutes=4)  # the scheduler stopped since
    db.session.commit()
    review = app.test_client().get("/healthz").get_json()["jobs"]["review"]
    assert review["late"] is True


def test_a_failing_job_is_reported_and_a_late_job_does_not_take_the_instance_out(app):
    succeeded = _review(utcnow() - timedelta(hours=1))
    succeeded.finished_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    _review(utcnow(), body=_fail)
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    review = answer.get_json()["jobs"]["review"]
    assert review["failing"] is True and review["late"] is True
    assert "broke" not in answer.get_data(as_text=True)  # no internals in a public answer


def test_a_database_that_is_down_answers_503(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("needs no database; runs once")
    app = make_app(CLOSED_PORT_URL)
    with app.app_context():
        answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "unavailable"}
