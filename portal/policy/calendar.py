"""Working calendars: which days are working days, and when business hours run.

A calendar is plain data (the statutory schedule per year, the tenant's own overrides,
its opening hours, its time zone) plus a precomputed integer :class:`Timeline`. Deadline
maths runs on the timeline with a couple of bisects per computation instead of walking
day by day, so a calendar is built once and reused for many computations.

Each year's statutory schedule (holidays and the make-up working weekends, 调休) is
published by the State Council late in the year before. Years whose schedule is not
published, or not loaded at all, are still computed (Mon-Fri plus the tenant's
overrides) but are reported as unsettled, so a deadline that reaches into them can be
marked provisional until the schedule is imported.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "HORIZON_YEARS",
    "LAST_PUBLISHED_YEAR",
    "STANDARD_HOURS",
    "OutsideCalendarError",
    "StatutoryYear",
    "Timeline",
    "WorkingCalendar",
    "YearStatus",
    "epoch_us",
    "from_epoch_us",
    "statutory_year_from_library",
]

# The last year whose schedule had been published when this was written (stack.md,
# Calendars). A later year counts as official only once the library ships its 调休.
LAST_PUBLISHED_YEAR = 2026
# The holidays library checks China only against State Council notices from 2001 on.
_FIRST_CHECKED_YEAR = 2001
# Years past the last loaded one that the timeline still covers (as unsettled years),
# so a deadline started late in the last loaded year can run past its end.
HORIZON_YEARS = 2

Interval = tuple[time, time]

# Office hours with a lunch break, Monday to Friday.
STANDARD_HOURS: Mapping[int, Sequence[Interval]] = MappingProxyType(
    {weekday: ((time(9), time(12)), (time(13, 30), time(17, 30))) for weekday in range(1, 6)}
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def epoch_us(moment: datetime) -> int:
    """Exact microseconds since the Unix epoch of an aware datetime.

    Integers rather than ``timestamp()`` floats, so that shifting a deadline by a pause
    of T moves it by exactly T.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: an aware datetime is required")
    return (moment - _EPOCH) // _ONE_US


def from_epoch_us(us: int) -> datetime:
    """The aware UTC datetime of an epoch-microsecond count."""
    return _EPOCH + timedelta(microseconds=us)


class OutsideCalendarError(ValueError):
    """A computation left the span of days a calendar's timeline covers."""


class YearStatus(StrEnum):
    """Whether a year's statutory schedule is the published one."""

    OFFICIAL = "official"
    PROVISIONAL = "provisional"


@dataclass(frozen=True)
class StatutoryYear:
    """One year of the national schedule: rest days with their names, make-up working days.

    ``holidays`` holds every statutory rest day that the schedule itself declares,
    including weekdays given in lieu (补假, 调休 days off); ordinary weekends need not be
    listed. ``working_days`` holds the weekend days that are working days (调休).
    """

    year: int
    holidays: Mapping[date, str] = field(hash=False)
    working_days: frozenset[date]
    status: YearStatus

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        object.__setattr__(self, "status", YearStatus(self.status))
        strays = sorted(d for d in (*self.holidays, *self.working_days) if d.year != self.year)
        if strays:
            raise ValueError(f"dates outside {self.year} in its schedule: {strays}")
        both = sorted(self.working_days & self.holidays.keys())
        if both:
            raise ValueError(f"days both holiday and working day: {both}")


@cache  # pure in the installed library's data; the library is slow to build a year
def statutory_year_from_library(year: int) -> StatutoryYear:
    """Seed a year's schedule from the ``holidays`` package (``holidays.China``).

    The library lists the rest days (with zh_CN names only when asked for explicitly:
    otherwise the language follows the process locale) and keeps the make-up working
    weekends in ``weekend_workdays``, including those that a neighbouring year's notice
    moved across New Year. For a year it has no notice for, it extrapolates the festival
    dates without any make-up working days, so such a year is provisional. Never raises
    for a future year: past the lunar tables it simply returns no holidays.
    """
    china = holidays.China(years=year, language="zh_CN")
    working_days = frozenset(d for d in china.weekend_workdays if d.year == year)
    published = _FIRST_CHECKED_YEAR <= year <= LAST_PUBLISHED_YEAR or (
        year > LAST_PUBLISHED_YEAR and bool(working_days)
    )
    return StatutoryYear(
        year=year,
        holidays={d: name for d, name in china.items() if d.year == year},
        working_days=working_days,
        status=YearStatus.OFFICIAL if published else YearStatus.PROVISIONAL,
    )


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """A tenant's working days and business hours, immutable once built.

    A day is a working day if it is one of the tenant's extra working days, or if it is
    not an extra rest day, not a statutory holiday, and is either Monday to Friday or a
    statutory make-up working day.

    ``hours`` maps ISO weekdays (1 = Monday) to local (start, end) intervals. A working
    day that falls on a Saturday or Sunday stands in for a weekday, so unless the tenant
    gave that weekday hours of its own it keeps the hours of ``weekend_hours_from``.
    Equality is identity: calendars are built once and shared, and can key caches.
    """

    years: tuple[StatutoryYear, ...]
    extra_rest_days: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    hours: Mapping[int, Sequence[Interval]] = field(default_factory=lambda: STANDARD_HOURS)
    weekend_hours_from: int = 1
    time_zone: str = "Asia/Shanghai"
    timeline: Timeline = field(init=False, repr=False)
    _holidays: frozenset[date] = field(init=False, repr=False)
    _make_up_days: frozenset[date] = field(init=False, repr=False)
    _statuses: Mapping[int, YearStatus] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        years = tuple(sorted(self.years, key=lambda y: y.year))
        if not years:
            raise ValueError("a calendar needs at least one statutory year")
        statuses = {y.year: y.status for y in years}
        if len(statuses) != len(years):
            raise ValueError("a statutory year is given twice")
        rest, work = frozenset(self.extra_rest_days), frozenset(self.extra_working_days)
        if rest & work:
            raise ValueError(f"days both extra rest and extra working: {sorted(rest & work)}")
        if not 1 <= self.weekend_hours_from <= 7:
            raise ValueError("weekend_hours_from must be an ISO weekday, 1 to 7")
        ZoneInfo(self.time_zone)  # fail here on a misspelt zone, not mid-computation
        sets = object.__setattr__
        sets(self, "years", years)
        sets(self, "extra_rest_days", rest)
        sets(self, "extra_working_days", work)
        sets(self, "hours", _checked_hours(self.hours))
        sets(self, "_holidays", frozenset(d for y in years for d in y.holidays))
        sets(self, "_make_up_days", frozenset(d for y in years for d in y.working_days))
        sets(self, "_statuses", MappingProxyType(statuses))
        sets(self, "timeline", Timeline(self))

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (any date, loaded year or not)."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_rest_days or day in self._holidays:
            return False
        return day.isoweekday() <= 5 or day in self._make_up_days

    def business_hours(self, day: date) -> Sequence[Interval]:
        """The local business-hour intervals of ``day``; none on a rest day."""
        if not self.is_working_day(day):
            return ()
        weekday = day.isoweekday()
        own = self.hours.get(weekday, ())
        if weekday >= 6 and not own:
            return self.hours.get(self.weekend_hours_from, ())
        return own

    def year_status(self, year: int) -> YearStatus | None:
        """The loaded status of ``year``'s statutory schedule, None if not loaded."""
        return self._statuses.get(year)

    def with_year(self, year: StatutoryYear) -> WorkingCalendar:
        """A new calendar with ``year`` loaded, replacing any schedule for the same year."""
        kept = tuple(y for y in self.years if y.year != year.year)
        return replace(self, years=(*kept, year))


def _checked_hours(hours: Mapping[int, Iterable[Interval]]) -> Mapping[int, Sequence[Interval]]:
    """Validate opening hours and freeze them with each day's intervals in order."""
    checked: dict[int, tuple[Interval, ...]] = {}
    for weekday, intervals in hours.items():
        if not 1 <= weekday <= 7:
            raise ValueError(f"business hours keyed by ISO weekday 1 to 7, got {weekday}")
        ordered = tuple(sorted(intervals))
        previous_end = time.min
        for start, end in ordered:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("business hours are local wall times, without tzinfo")
            if not start < end:
                raise ValueError(f"empty or inverted business hours {start}-{end}")
            if start < previous_end:
                raise ValueError(f"overlapping business hours on ISO weekday {weekday}")
            previous_end = end
        checked[weekday] = ordered
    return MappingProxyType(checked)


class Timeline:
    """A calendar as sorted integer arrays, over the loaded years plus a horizon.

    Days are proleptic Gregorian ordinals (``date.toordinal()``) of the tenant's local
    dates; instants are epoch microseconds. Business time is a cumulative count of
    business microseconds, so "add N business hours" is one bisect each way. Instants
    and periods that leave the covered span raise :class:`OutsideCalendarError`; days
    passed in are expected to come from :meth:`day_of` or from another method here.
    """

    __slots__ = (
        "_business_ends",
        "_business_starts",
        "_business_total",
        "_business_total_ends",
        "_closes",
        "_first_day",
        "_interval_days",
        "_midnights",
        "_unsettled",
        "_working_days",
    )

    def __init__(self, calendar: WorkingCalendar) -> None:
        zone = ZoneInfo(calendar.time_zone)
        override_years = {d.year for d in calendar.extra_rest_days | calendar.extra_working_days}
        loaded_years = {y.year for y in calendar.years} | override_years
        first = date(min(loaded_years), 1, 1).toordinal()
        end = date(max(loaded_years) + HORIZON_YEARS + 1, 1, 1).toordinal()
        self._first_day = first
        # _midnights[i] starts day first + i; the extra last entry closes the span.
        self._midnights = [
            _local_us(date.fromordinal(o), time(), zone) for o in range(first, end + 1)
        ]
        self._unsettled = [0]
        self._working_days: list[int] = []
        self._closes: list[int] = []
        self._business_starts: list[int] = []
        self._business_ends: list[int] = []
        self._business_total: list[int] = []
        self._business_total_ends: list[int] = []
        self._interval_days: list[int] = []
        total = 0
        previous_end = self._midnights[0]
        for ordinal in range(first, end):
            day = date.fromordinal(ordinal)
            settled = calendar.year_status(day.year) is YearStatus.OFFICIAL
            self._unsettled.append(self._unsettled[-1] + (not settled))
            if not calendar.is_working_day(day):
                continue
            close = self._midnights[ordinal - first + 1]
            for start_time, end_time in calendar.business_hours(day):
                # A DST gap can map ordered wall times out of order; keep the arrays sorted.
                start = max(_local_us(day, start_time, zone), previous_end)
                end_us = _local_us(day, end_time, zone)
                if end_us <= start:
                    continue
                previous_end = end_us
                self._business_starts.append(start)
                self._business_ends.append(end_us)
                self._business_total.append(total)
                total += end_us - start
                self._business_total_ends.append(total)
                self._interval_days.append(ordinal)
                close = end_us
            self._working_days.append(ordinal)
            self._closes.append(close)

    def day_of(self, us: int) -> int:
        """The local day (ordinal) an instant falls on."""
        self._check_covered(us)
        return self._first_day + bisect_right(self._midnights, us) - 1

    def end_of_day(self, day: int) -> int:
        """The instant a day ends: local midnight starting the next day (24:00)."""
        return self._midnights[day - self._first_day + 1]

    def nth_working_day_after(self, day: int, n: int) -> int:
        """The n-th working day strictly after ``day`` (n >= 1)."""
        return self._working_day_at(bisect_right(self._working_days, day) + n - 1)

    def first_working_day_from(self, day: int) -> int:
        """``day`` itself if it is a working day, else the next working day."""
        return self._working_day_at(bisect_left(self._working_days, day))

    def nth_close_after(self, us: int, n: int) -> tuple[int, int]:
        """The n-th close of business strictly after an instant, and its day.

        The close is the end of the day's last business interval, or 24:00 on a working
        day without business hours.
        """
        self._check_covered(us)
        index = bisect_right(self._closes, us) + n - 1
        day = self._working_day_at(index)
        return self._closes[index], day

    def business_at(self, us: int) -> int:
        """Business microseconds elapsed from the start of the span up to an instant."""
        self._check_covered(us)
        index = bisect_right(self._business_starts, us) - 1
        if index < 0:
            return 0
        elapsed_in_interval = min(us, self._business_ends[index]) - self._business_starts[index]
        return self._business_total[index] + elapsed_in_interval

    def business_instant(self, total: int) -> tuple[int, int]:
        """The first instant at which ``total`` business microseconds have elapsed, and its day.

        A total that ends exactly at a close gives the close, not the next opening.
        """
        index = bisect_left(self._business_total_ends, total)
        if index == len(self._business_total_ends):
            raise OutsideCalendarError("business hours run past the calendar's span")
        instant = self._business_starts[index] + total - self._business_total[index]
        return instant, self._interval_days[index]

    def unsettled_between(self, first_day: int, last_day: int) -> bool:
        """Whether any day from ``first_day`` to ``last_day`` lies in an unsettled year."""
        base = self._first_day
        return self._unsettled[last_day - base + 1] - self._unsettled[first_day - base] > 0

    def _check_covered(self, us: int) -> None:
        if not self._midnights[0] <= us < self._midnights[-1]:
            raise OutsideCalendarError(f"instant {from_epoch_us(us).isoformat()} is not covered")

    def _working_day_at(self, index: int) -> int:
        if index >= len(self._working_days):
            raise OutsideCalendarError("the period runs past the calendar's span")
        return self._working_days[index]


def _local_us(day: date, wall: time, zone: ZoneInfo) -> int:
    return epoch_us(datetime.combine(day, wall, tzinfo=zone))
