"""Build one report: compute its figures for a tenant and a period, and store them.

Rebuilding is idempotent: the row is upserted on its unique (tenant, kind, period), so
two builds of the same report, one after the other or at once, leave one row holding
the figures of the later one.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.database import DbSession, upsert
from portal.hookspecs import ReportSection
from portal.models import Milestone, Report, Tenant
from portal.plugins import SectorRegistry, SectorUnavailable
from portal.reports import activity, deadlines, volumes
from portal.reports.periods import Period
from portal.tenancy import tenant_scope

SCHEMA = 1
#: The headline numbers compared with the previous period; rates change in points.
COMPARED = (
    "tickets",
    "complaints",
    "valid",
    "validity_ratio",
    "repeats",
    "reminders",
    "breaches",
    "escalations",
    "on_time_rate",
    "satisfaction_rate",
)
RATES = frozenset({"validity_ratio", "on_time_rate", "satisfaction_rate"})


def _headline(
    session: DbSession, tenant_id: int, start: datetime, end: datetime, now: datetime
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, int]]:
    totals = volumes.totals(session, tenant_id, start, end)
    events = activity.activity(session, tenant_id, start, end)
    milestones = deadlines.on_time_by(session, Milestone.name, tenant_id, start, end, now)
    breaches = deadlines.breaches(session, tenant_id, start, end)
    totals.update(
        reminders=events["reminders"],
        breaches=sum(breaches.values()),
        escalations=events["escalations"],
        on_time_rate=deadlines.overall_rate(milestones),
        satisfaction_rate=events["callbacks"]["satisfaction_rate"],
    )
    return totals, events, milestones, breaches


def _change(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    change: dict[str, Any] = {}
    for key in COMPARED:
        now_value, then_value = current.get(key), previous.get(key)
        delta = None
        if now_value is not None and then_value is not None:
            delta = round(now_value - then_value, 4)
        relative = None
        if delta is not None and key not in RATES and then_value:
            relative = round(delta / then_value, 4)
        change[key] = {
            "current": now_value,
            "previous": then_value,
            "delta": delta,
            "ratio": relative,
        }
    return change


def sector_sections(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[dict[str, Any]]:
    sections = registry.call(
        tenant.sector,
        "sector_report_sections",
        session=session,
        tenant_id=tenant.id,
        start=start,
        end=end,
        timezone=tenant.timezone,
        now=now,
    )
    if not isinstance(sections, list) or not all(isinstance(s, ReportSection) for s in sections):
        raise SectorUnavailable(
            tenant.sector, "sector_report_sections did not answer a list of ReportSection"
        )
    return [asdict(section) for section in sections]


def compute(
    session: DbSession, registry: SectorRegistry, tenant: Tenant, period: Period, now: datetime
) -> dict[str, Any]:
    """The figures of ``tenant``'s report for ``period`` as of ``now`` (JSON-ready)."""
    start, end = period.bounds(tenant.timezone)
    before = period.previous()
    with tenant_scope(session, tenant.id):
        totals, events, milestones, breaches = _headline(session, tenant.id, start, end, now)
        previous, *_ = _headline(session, tenant.id, *before.bounds(tenant.timezone), now)
        return {
            "schema": SCHEMA,
            "kind": period.kind,
            "period": period.key,
            "first_day": period.first.isoformat(),
            "last_day": period.last.isoformat(),
            "timezone": tenant.timezone,
            "built_at": now.isoformat(),
            # Built after the period ended: later builds only refresh late changes.
            "complete": now >= end,
            "totals": totals,
            "by": volumes.breakdowns(session, tenant.id, start, end),
            "daily": volumes.daily(session, tenant.id, period, tenant.timezone),
            "milestones": milestones,
            "breaches": breaches,
            "escalations_by_level": events["escalations_by_level"],
            "callbacks": events["callbacks"],
            "ratings": events["ratings"],
            "top_causes": volumes.top_causes(session, tenant.id, start, end),
            "previous_period": before.key,
            "change": _change(totals, previous),
            "sections": sector_sections(session, registry, tenant, start, end, now),
        }


def build_report(
    session: DbSession, registry: SectorRegistry, tenant: Tenant, period: Period, now: datetime
) -> dict[str, Any]:
    """Compute and store ``tenant``'s report for ``period``; return its figures.

    The caller commits.
    """
    figures = compute(session, registry, tenant, period, now)
    table = Report.__table__
    stmt = upsert(session, table).values(
        tenant_id=tenant.id, kind=period.kind, period=period.key, figures=figures, created_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.tenant_id, table.c.kind, table.c.period],
        set_={"figures": stmt.excluded.figures, "created_at": stmt.excluded.created_at},
    )
    session.execute(stmt)
    return figures


def stored(session: DbSession, tenant_id: int, kind: str, key: str) -> Report | None:
    # populate_existing: a rebuild in this session upserted behind the ORM's back.
    return session.scalar(
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.kind == kind, Report.period == key)
        .execution_options(populate_existing=True)
    )
