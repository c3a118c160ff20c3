"""The scheduler: APScheduler running the core's jobs, in one leader process.

``flask portal scheduler`` runs it in the foreground (production: one or more such
processes; standbys wait for the lock). ``flask portal serve`` runs it in a thread of
the dev server for the embedded default. Never inside ``create_app``: every gunicorn
worker would run its own.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from portal.extensions import db
from portal.jobs.leader import Leadership
from portal.jobs.ledger import JobBody, run_once
from portal.jobs.review import review
from portal.jobs.sector_jobs import sector_jobs
from portal.models import utcnow
from portal.notifications.deliver import deliver
from portal.reports.job import build_reports

log = logging.getLogger(__name__)

STANDBY_POLL_SECONDS = 2.0


def _job(app: Flask, name: str, interval: int, body: JobBody) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            run_once(db.session, name, interval, body, utcnow())
            db.session.remove()

    return run


#: The periodic jobs: (stable id, config key of its interval, body).
JOBS: tuple[tuple[str, str, JobBody], ...] = (
    ("review", "REVIEW_INTERVAL_SECONDS", review),
    ("outbox", "OUTBOX_INTERVAL_SECONDS", deliver),
    ("reports", "REPORTS_INTERVAL_SECONDS", build_reports),
)


#: The ledger slot of a job on a crontab schedule: the minute it fires in.
CRON_SLOT_SECONDS = 60


def all_jobs(app: Flask) -> list[tuple[str, int, JobBody]]:
    """(id, default interval in seconds, body) of the core's jobs and the sectors'."""
    core = [(name, int(app.config[key]), body) for name, key, body in JOBS]
    return core + sector_jobs(app.extensions["tousu.sectors"])


def schedule(app: Flask, name: str, default_seconds: int) -> tuple[BaseTrigger, int]:
    """The trigger of job ``name`` and the length of its ledger slots: ``JOB_SCHEDULES``
    may give it a number of seconds or a crontab line (in ``JOB_TIMEZONE``)."""
    configured = app.config["JOB_SCHEDULES"].get(name, default_seconds)
    if isinstance(configured, str):
        zone = app.config["JOB_TIMEZONE"]
        return CronTrigger.from_crontab(configured, timezone=zone), CRON_SLOT_SECONDS
    return IntervalTrigger(seconds=int(configured), timezone="UTC"), int(configured)


def configure(app: Flask, scheduler: BaseScheduler, leadership: Leadership) -> None:
    for name, default_seconds, body in all_jobs(app):
        trigger, slot_seconds = schedule(app, name, default_seconds)
        # Interval jobs run once at start, so a restart does not wait a whole interval.
        start = {"next_run_time": utcnow()} if isinstance(trigger, IntervalTrigger) else {}
        # Stable ids and replace_existing: a restart redefines the jobs, never doubles them.
        scheduler.add_job(
            _job(app, name, slot_seconds, body),
            trigger,
            id=name,
            replace_existing=True,
            **start,
        )

    def heartbeat() -> None:
        if not leadership.still_held():
            log.critical("scheduler lost its leadership lock; exiting so a standby takes over")
            os._exit(1)

    scheduler.add_job(heartbeat, "interval", seconds=5, id="heartbeat", replace_existing=True)


def _defaults() -> dict[str, object]:
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}


def executors(app: Flask) -> dict[str, ThreadPoolExecutor]:
    """SQLite has one writer at a time: its jobs run one after another, not side by
    side waiting on each other's locks. PostgreSQL runs them in parallel."""
    with app.app_context():
        workers = 1 if db.engine.dialect.name == "sqlite" else 10
    return {"default": ThreadPoolExecutor(workers)}


def run_forever(app: Flask) -> None:
    """Wait to become leader, then run the jobs until the process is stopped."""
    with app.app_context():
        leadership = Leadership(db.engine, Path(app.instance_path))
    while not leadership.try_acquire():
        time.sleep(STANDBY_POLL_SECONDS)
    log.info("scheduler %d is the leader", os.getpid())
    scheduler = BlockingScheduler(
        job_defaults=_defaults(), executors=executors(app), timezone="UTC"
    )
    configure(app, scheduler, leadership)
    try:
        scheduler.start()
    finally:
        leadership.release()


def start_in_background(app: Flask) -> BackgroundScheduler | None:
    """Start the jobs in this process if no other scheduler leads; None if one does."""
    with app.app_context():
        leadership = Leadership(db.engine, Path(app.instance_path))
    if not leadership.try_acquire():
        log.warning("another scheduler is running; this server runs none")
        return None
    scheduler = BackgroundScheduler(
        job_defaults=_defaults(), executors=executors(app), timezone="UTC", daemon=True
    )
    configure(app, scheduler, leadership)
    scheduler.start()
    return scheduler
