"""The reporting job: for every active tenant and every report kind, refresh the
current period's report and build the one that just ended until a build after its end
has completed it.

Safe with several schedulers: the ledger runs each slot once, and every report is an
upsert, so even two overlapping runs leave one row per (tenant, kind, period).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.database import DbSession
from portal.models import Report, Tenant
from portal.plugins import SectorUnavailable, sectors
from portal.reports.build import build_report
from portal.reports.periods import KINDS, Period, containing, local_today
from portal.tenancy import current_scope

log = logging.getLogger(__name__)


def _completed(session: DbSession, tenant_id: int, periods: list[Period]) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Report.kind, Report.period).where(
            Report.tenant_id == tenant_id,
            Report.period.in_([p.key for p in periods]),
            Report.figures["complete"].as_boolean().is_(True),
        )
    )
    return {(kind, key) for kind, key in rows}


def due_periods(session: DbSession, tenant: Tenant, now: datetime) -> list[Period]:
    """The periods to build now: each kind's current one, and its previous one until
    a complete report of it is stored."""
    today = local_today(now, tenant.timezone)
    current = [containing(kind, today) for kind in KINDS]
    previous = [p.previous() for p in current]
    done = _completed(session, tenant.id, previous)
    return [p for p in previous if (p.kind, p.key) not in done] + current


def build_reports(session: DbSession, now: datetime) -> dict[str, Any]:
    """The scheduled job's body."""
    registry = sectors()
    built = failed = 0
    query = select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.id)
    scope = current_scope(session)
    if isinstance(scope, int):  # a run for one tenant (an admin's "run now")
        query = query.where(Tenant.id == scope)
    tenants = list(session.scalars(query))
    for tenant in tenants:
        # One tenant's broken sector must not keep the others' reports from being built.
        try:
            with session.begin_nested():
                periods = due_periods(session, tenant, now)
                for period in periods:
                    build_report(session, registry, tenant, period, now)
            built += len(periods)
        except SectorUnavailable as exc:
            log.error("reports of tenant %s not built: %s", tenant.slug, exc.reason)
            failed += 1
    return {"tenants": len(tenants), "reports_built": built, "tenants_failed": failed}
