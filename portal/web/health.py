"""``GET /healthz``: whether this instance can serve, and whether the jobs keep running.

For load balancers, orchestrators and monitoring; no sign-in, and nothing about tenants
or tickets in the answer. It is 200 while the database answers and 503 when it does
not (take the instance out of rotation). It also tells, per periodic job, when it last
succeeded and whether that is late: a review that stopped means breaches and
escalations go unnoticed, which monitoring must see even while every web instance is
fine, so a late job does not turn the answer into a 503.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from flask import Blueprint, current_app, jsonify
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.jobs.scheduler import all_jobs, schedule
from portal.models import JobRun, utcnow

bp = Blueprint("health", __name__)

#: A job is late when it has not succeeded for this many of its intervals.
LATE_AFTER_INTERVALS = 3


def _latest(job: str, *, succeeded: bool) -> JobRun | None:
    # Newest slot first, through the ledger's unique (job, slot) index: slots are UTC
    # times written so that they sort as text.
    stmt = select(JobRun).where(
        JobRun.job == job, JobRun.tenant_id.is_(None), JobRun.finished_at.is_not(None)
    )
    if succeeded:
        stmt = stmt.where(JobRun.error.is_(None))
    return db.session.scalar(stmt.order_by(JobRun.slot.desc()).limit(1))


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _job(name: str, default_seconds: int, now: datetime) -> dict[str, Any]:
    trigger, _slot = schedule(current_app, name, default_seconds)
    last = _latest(name, succeeded=False)
    failing = last is not None and last.error is not None
    # Usually the latest run succeeded: the second query is for a failing job only.
    success = _latest(name, succeeded=True) if failing else last
    succeeded_at = success.finished_at if success else None
    late = None  # a crontab schedule has no one interval to judge by
    if isinstance(trigger, IntervalTrigger):
        late = succeeded_at is None or now - succeeded_at > trigger.interval * LATE_AFTER_INTERVALS
    return {
        "last_success_at": _stamp(succeeded_at),
        "late": late,
        "failing": failing,
    }


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        now = utcnow()
        jobs = {name: _job(name, seconds, now) for name, seconds, _ in all_jobs(current_app)}
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok", jobs=jobs), 200
