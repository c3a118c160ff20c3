"""Run a job once per slot, however many schedulers fire it, and record the run."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from portal.database import DbSession, upsert
from portal.models import JobRun, utcnow
from portal.tenancy import ALL_TENANTS, tenant_scope

log = logging.getLogger(__name__)

JobBody = Callable[[DbSession, datetime], dict[str, Any]]


def slot_for(now: datetime, interval_seconds: int) -> str:
    """The slot a run at ``now`` belongs to: the start of its interval, in UTC."""
    start = int(now.timestamp()) // interval_seconds * interval_seconds
    return datetime.fromtimestamp(start, tz=now.tzinfo).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_once(
    session: DbSession,
    job: str,
    interval_seconds: int,
    body: JobBody,
    now: datetime,
    *,
    tenant_id: int | None = None,
) -> JobRun | None:
    """Claim ``(job, slot of now)`` in the ledger and run ``body(session, now)``; None if
    another run already claimed that slot.

    With ``tenant_id`` the run covers that tenant only (an admin's "run now"): its body
    runs in the tenant's scope and it claims a slot of its own, so it neither blocks nor
    repeats the scheduled run.

    The claim is committed before the work, so a second scheduler firing the same
    slot finds it taken. The work commits in its own transaction; on failure the run
    row keeps the error and the work is rolled back.
    """
    table = JobRun.__table__
    claim = (
        upsert(session, table)
        .values(
            job=job,
            slot=slot_for(now, interval_seconds) + (f"@{tenant_id}" if tenant_id else ""),
            tenant_id=tenant_id,
            started_at=utcnow(),
            counts={},
        )
        .on_conflict_do_nothing(index_elements=[table.c.job, table.c.slot])
        .returning(table.c.id)
    )
    run_id = session.execute(claim).scalar()
    session.commit()
    if run_id is None:
        return None
    run = session.get(JobRun, run_id)
    assert run is not None
    try:
        with tenant_scope(session, tenant_id or ALL_TENANTS):
            counts = body(session, now)
        run.counts = counts
    except Exception:
        session.rollback()
        log.exception("job %s failed at %s", job, now.isoformat())
        run = session.get(JobRun, run_id)
        assert run is not None
        run.error = traceback.format_exc(limit=5)
    run.finished_at = utcnow()
    session.commit()
    return run
