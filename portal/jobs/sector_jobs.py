"""Jobs from sector plugins (the ``sector_jobs`` hook), run for each sector's tenants."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.database import DbSession
from portal.hookspecs import SectorJob
from portal.jobs.ledger import JobBody
from portal.jobs.sql import tenants_in_scope
from portal.models import Tenant
from portal.plugins import SectorRegistry, SectorUnavailable

log = logging.getLogger(__name__)


def for_sector(sector: str, job: SectorJob) -> JobBody:
    """The job's body as a ledger body: it gets the active tenants of its sector."""

    def body(session: DbSession, now: datetime) -> dict[str, Any]:
        tenant_ids = list(
            session.scalars(
                select(Tenant.id).where(
                    Tenant.id.in_(tenants_in_scope(session)), Tenant.sector == sector
                )
            )
        )
        if not tenant_ids:
            return {"tenants": 0}
        return {"tenants": len(tenant_ids), **job.body(session, tenant_ids, now)}

    return body


def sector_jobs(registry: SectorRegistry) -> list[tuple[str, int, JobBody]]:
    """(job id, default interval, body) of every loaded sector's jobs; a sector whose
    hook fails is logged and left out, the others still run."""
    found: list[tuple[str, int, JobBody]] = []
    for sector in registry.loaded():
        try:
            jobs = registry.call(sector, "sector_jobs")
        except SectorUnavailable as exc:
            log.error("jobs of sector %s not scheduled: %s", sector, exc.reason)
            continue
        for job in jobs:
            found.append((f"{sector}.{job.key}", job.interval_seconds, for_sector(sector, job)))
    return found
