"""Calendars from the database: the statutory years, each tenant's hours and days.

Statutory years are seeded on first use from the ``holidays`` package (official up
to the last published year, provisional after) and replaced by the platform admin's
import of the State Council's schedule. Built calendars are cached per tenant and
renewed when the statutory years or the tenant's own settings change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlalchemy import delete, insert, select

from portal.database import DbSession, upsert
from portal.models import CalendarDay, CalendarYear, Tenant, TenantCalendarDay, utcnow
from portal.policy.calendar import (
    STANDARD_HOURS,
    StatutoryYear,
    WorkingCalendar,
    YearStatus,
    statutory_year_from_library,
)
from portal.tenancy import UNSCOPED_OPTION
from portal.validation import InvalidInput

#: Years loaded around any date a deadline is computed from: a 60-working-day period
#: started in late December runs well into the next year.
YEARS_AROUND = 1


class ScheduleFile(BaseModel):
    """One year's official schedule, as the platform admin imports it.

    ``{"year": 2027, "holidays": {"2027-01-01": "元旦", ...},
    "working_days": ["2027-02-06", ...], "source": "国务院办公厅通知 2026-11"}``
    """

    model_config = ConfigDict(extra="forbid")

    year: int
    holidays: dict[date, str]
    working_days: list[date]
    source: str = "imported schedule"

    @model_validator(mode="after")
    def _days_in_year(self) -> ScheduleFile:
        strays = [d for d in [*self.holidays, *self.working_days] if d.year != self.year]
        if strays:
            raise ValueError(f"dates outside {self.year}: {', '.join(map(str, sorted(strays)))}")
        both = set(self.holidays) & set(self.working_days)
        if both:
            raise ValueError(f"both holiday and working day: {', '.join(map(str, sorted(both)))}")
        if not 2000 <= self.year <= 2100:
            raise ValueError("year must be between 2000 and 2100")
        return self


def _day_rows(year: StatutoryYear) -> list[dict[str, Any]]:
    rows = [
        {"day": d, "year": year.year, "kind": "holiday", "name": n}
        for d, n in year.holidays.items()
    ]
    rows += [
        {"day": d, "year": year.year, "kind": "working", "name": ""} for d in year.working_days
    ]
    return rows


def _replace_year(session: DbSession, year: StatutoryYear, source: str) -> None:
    """Store ``year`` in place of what the database holds for it (an import)."""
    session.execute(delete(CalendarDay).where(CalendarDay.year == year.year))
    session.execute(
        upsert(session, CalendarYear.__table__)
        .values(year=year.year, status=str(year.status), source=source, updated_at=utcnow())
        .on_conflict_do_update(
            index_elements=["year"],
            set_={"status": str(year.status), "source": source, "updated_at": utcnow()},
        )
    )
    if rows := _day_rows(year):
        session.execute(insert(CalendarDay), rows)


def ensure_years(session: DbSession, years: range) -> None:
    """Seed the statutory years in ``years`` that the database does not have yet.

    Two first requests may seed the same year at once: whoever inserts the year's row
    stores its days, the other finds the row taken (ON CONFLICT DO NOTHING) and skips.
    """
    have = set(session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(years))))
    for number in years:
        if number in have:
            continue
        year = statutory_year_from_library(number)
        claimed = session.execute(
            upsert(session, CalendarYear.__table__)
            .values(
                year=number, status=str(year.status), source="holidays package", updated_at=utcnow()
            )
            .on_conflict_do_nothing(index_elements=["year"])
            .returning(CalendarYear.__table__.c.year)
        ).scalar()
        if claimed is not None and (rows := _day_rows(year)):
            session.execute(insert(CalendarDay), rows)


def import_schedule(session: DbSession, payload: Any) -> tuple[int, int]:
    """Load an official year and recompute the provisional milestones it settles.

    Returns (year, number of milestones recomputed). Raises InvalidInput, writing
    nothing, when the payload is not a valid schedule.
    """
    try:
        schedule = ScheduleFile.model_validate(payload)
    except ValidationError as exc:
        problems = {".".join(map(str, e["loc"])) or "file": e["msg"] for e in exc.errors()}
        raise InvalidInput(problems) from None
    year = StatutoryYear(
        year=schedule.year,
        holidays=schedule.holidays,
        working_days=frozenset(schedule.working_days),
        status=YearStatus.OFFICIAL,
    )
    _replace_year(session, year, schedule.source[:200])
    from portal.policy.recompute import recompute_provisional

    return schedule.year, recompute_provisional(session)


@dataclass(frozen=True)
class _Cached:
    key: tuple[Any, ...]
    calendar: WorkingCalendar


def _cache() -> dict[int, _Cached]:
    cache: dict[int, _Cached] = current_app.extensions.setdefault("tousu.calendars", {})
    return cache


def _hours(raw: dict[str, Any] | None) -> Any:
    if not raw:
        return STANDARD_HOURS
    return {
        int(weekday): [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans]
        for weekday, spans in raw.items()
    }


def _loaded_years(session: DbSession) -> dict[int, datetime]:
    return dict(session.execute(select(CalendarYear.year, CalendarYear.updated_at)).all())


def tenant_calendar(session: DbSession, tenant: Tenant, around: date) -> WorkingCalendar:
    """The tenant's working calendar, covering ``around``'s year and its neighbours."""
    wanted = range(around.year - YEARS_AROUND, around.year + YEARS_AROUND + 1)
    # Every loaded year with its last change, in one query: it tells both whether a
    # wanted year is missing and whether a cached calendar is still current.
    loaded = _loaded_years(session)
    if not loaded.keys() >= set(wanted):
        ensure_years(session, wanted)
        loaded = _loaded_years(session)
    key = (tenant.calendar_revision, tenant.timezone, loaded, wanted.start, wanted.stop)
    cached = _cache().get(tenant.id)
    if cached is not None and cached.key == key:
        return cached.calendar
    calendar = _build(session, tenant, wanted)
    _cache()[tenant.id] = _Cached(key, calendar)  # a lost race only builds it twice
    return calendar


def _build(session: DbSession, tenant: Tenant, years: range) -> WorkingCalendar:
    statuses = dict(
        session.execute(
            select(CalendarYear.year, CalendarYear.status).where(CalendarYear.year.in_(years))
        ).all()
    )
    holidays: dict[int, dict[date, str]] = {y: {} for y in statuses}
    working: dict[int, set[date]] = {y: set() for y in statuses}
    for day, year, kind, name in session.execute(
        select(CalendarDay.day, CalendarDay.year, CalendarDay.kind, CalendarDay.name).where(
            CalendarDay.year.in_(years)
        )
    ):
        if kind == "holiday":
            holidays[year][day] = name
        else:
            working[year].add(day)
    own = session.execute(
        select(TenantCalendarDay.day, TenantCalendarDay.kind)
        .where(TenantCalendarDay.tenant_id == tenant.id)
        .execution_options(**{UNSCOPED_OPTION: True})
    ).all()
    return WorkingCalendar(
        years=tuple(
            StatutoryYear(y, holidays[y], frozenset(working[y]), YearStatus(statuses[y]))
            for y in statuses
        ),
        extra_rest_days=frozenset(d for d, kind in own if kind == "rest"),
        extra_working_days=frozenset(d for d, kind in own if kind == "working"),
        hours=_hours(tenant.business_hours),
        time_zone=tenant.timezone,
    )


def year_statuses(session: DbSession) -> list[tuple[int, str, str]]:
    """(year, status, source) of every loaded year, for the admin and the CLI."""
    rows = session.execute(
        select(CalendarYear.year, CalendarYear.status, CalendarYear.source).order_by(
            CalendarYear.year
        )
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]
