"""The embedded default shares one SQLite file between the dev server and the jobs."""

from __future__ import annotations

import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler

from portal.extensions import db
from portal.jobs.scheduler import executors


def test_jobs_run_one_after_another_on_sqlite_and_side_by_side_on_postgresql(app):
    """Two jobs due at once: on SQLite the second waits for the first instead of
    meeting its write lock (the reports job failed with "database is locked" under
    `make run`); PostgreSQL runs them together."""
    running, overlapped = [], threading.Event()
    lock = threading.Lock()

    def job() -> None:
        with lock:
            running.append(1)
            if len(running) > 1:
                overlapped.set()
        time.sleep(0.3)
        with lock:
            running.pop()

    scheduler = BackgroundScheduler(executors=executors(app), timezone="UTC")
    scheduler.add_job(job, id="one")
    scheduler.add_job(job, id="two")
    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while scheduler.get_jobs() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.7)
    finally:
        scheduler.shutdown(wait=True)
    assert overlapped.is_set() is (db.engine.dialect.name == "postgresql")
