"""Deadline maths: when a milestone falls due, from a start, a duration and a calendar.

Pure and sector-neutral: no database, no Flask, no sector branches. The rules for
counting time are those of the Civil Code (sector-rules.md, "Counting time"):

* art. 201: a period counted in days does not count the day of the event; counting
  starts the next day. A period counted in hours starts at the exact moment.
* art. 203: if the last day of a period is a rest day, the period ends on the first
  working day after it; the last day ends at 24:00, or at closing time where there are
  business hours (that is the ``end_of_business_day`` unit).
* art. 1259: "within N days" includes day N.

End-of-day convention: a day-based period that ends on day D is due at the first
instant after D, i.e. local midnight (00:00) starting D + 1, returned in UTC. A
milestone met at any moment of day D is therefore on time (``met_at < due_at``).

Everything is computed in exact integer microseconds on the calendar's precomputed
:class:`~portal.policy.calendar.Timeline`, so one computation is a few bisects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portal.policy.calendar import Timeline, WorkingCalendar, epoch_us, from_epoch_us

__all__ = ["Due", "Duration", "Unit", "compute_due"]


class Unit(StrEnum):
    """What a duration's amount counts."""

    MINUTES = "minutes"
    HOURS = "hours"
    BUSINESS_HOURS = "business_hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    END_OF_BUSINESS_DAY = "end_of_business_day"
    REQUESTED = "requested"


_US_PER_HOUR = 3_600_000_000
_WALL_US = {Unit.MINUTES: _US_PER_HOUR // 60, Unit.HOURS: _US_PER_HOUR}
_WHOLE_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.WORKING_DAYS, Unit.END_OF_BUSINESS_DAY})


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of a unit, e.g. ``Duration(15, Unit.WORKING_DAYS)``.

    The amount must be positive; day-based units and ``end_of_business_day`` take
    whole numbers. ``end_of_business_day`` counts closes: 1 is the first close still
    ahead of the start, 2 the close of the working day after that, and so on. The
    amount of ``requested`` is not used: the customer's instant and the default are
    given to :func:`compute_due`.
    """

    amount: int | float
    unit: Unit

    def __post_init__(self) -> None:
        unit = Unit(self.unit)
        object.__setattr__(self, "unit", unit)
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValueError(f"amount must be a number, got {amount!r}")
        if unit is Unit.REQUESTED:
            return
        if not (math.isfinite(amount) and amount > 0):
            raise ValueError(f"amount must be positive and finite, got {amount!r}")
        if unit in _WHOLE_UNITS and amount != int(amount):
            raise ValueError(f"{unit} counts whole days, got {amount!r}")


@dataclass(frozen=True, slots=True)
class Due:
    """When a milestone falls due (aware, UTC), and whether that may still change.

    ``provisional`` is true when the computation relied on a day of a year whose
    statutory schedule is not officially published (or not loaded): importing that
    year's schedule may move the deadline, so it should be recomputed then.
    """

    due_at: datetime
    provisional: bool


# A pause as (from, to) epoch microseconds, clipped to start no earlier than the start.
_Pause = tuple[int, int]


def compute_due(
    start: datetime,
    duration: Duration,
    calendar: WorkingCalendar,
    *,
    requested_due_at: datetime | None = None,
    requested_may_lengthen: bool = False,
    default: Duration | None = None,
    paused: Sequence[tuple[datetime, datetime]] = (),
) -> Due:
    """When a milestone that starts at ``start`` and lasts ``duration`` falls due.

    Units:

    * ``minutes``, ``hours``: wall-clock time from the exact start (art. 201).
    * ``business_hours``: only time inside the calendar's business hours on working
      days counts; a total that is reached exactly at a close is due at that close.
    * ``calendar_days``: day 1 is the local day after the start (art. 201); due at the
      end of day N, or of the next working day if day N is a rest day (arts 203, 1259).
    * ``working_days``: due at the end of the N-th working day after the start day.
    * ``end_of_business_day``: the close of the start day if the start is before it on
      a working day, else the close of the next working day; amount N moves on to the
      N-th such close (art. 203, closing time).
    * ``requested``: the customer's ``requested_due_at``. With a ``default`` duration a
      request may only shorten the default, unless ``requested_may_lengthen``; with no
      request the default applies.

    ``paused`` lists (from, to) intervals during which the clock was stopped (waiting on
    the customer). Pauses may overlap and are merged; only time after the start counts,
    and a pause that begins after the deadline has already passed does not revive it.
    A pause stops the clock in the unit's own time: wall time for minutes and hours,
    business time for business hours (a pause over a night moves nothing). For
    day-based units, and for a requested instant, the due time moves by the paused
    wall time: simple to explain ("you waited 2 days 3 hours for the customer, so you
    get 2 days 3 hours more"), at the price of a due time that is no longer midnight.

    ``requested_due_at``, ``requested_may_lengthen`` and ``default`` are only used with
    ``Unit.REQUESTED``. All datetimes must be aware (ValueError otherwise); the result
    is in UTC. Raises OutsideCalendarError when the period leaves the calendar's span.
    """
    start_us = epoch_us(start)
    pauses = _merged_pauses(paused, start_us) if paused else ()
    if duration.unit is Unit.REQUESTED:
        due_us, provisional = _requested_due(
            start_us, calendar.timeline, requested_due_at, requested_may_lengthen, default, pauses
        )
    else:
        due_us, provisional = _due_us(start_us, duration, calendar.timeline, pauses)
    return Due(from_epoch_us(due_us), provisional)


def _due_us(
    start_us: int, duration: Duration, timeline: Timeline, pauses: Sequence[_Pause]
) -> tuple[int, bool]:
    """The due instant of a non-requested duration, and whether it is provisional."""
    unit = duration.unit
    per_unit = _WALL_US.get(unit)
    if per_unit is not None:
        return _resume(start_us + round(duration.amount * per_unit), pauses), False
    if unit is Unit.BUSINESS_HOURS:
        return _business_due(start_us, round(duration.amount * _US_PER_HOUR), timeline, pauses)
    n = int(duration.amount)
    first_day = timeline.day_of(start_us)
    if unit is Unit.WORKING_DAYS:
        last_day = timeline.nth_working_day_after(first_day, n)
        due_us = timeline.end_of_day(last_day)
    elif unit is Unit.CALENDAR_DAYS:
        last_day = timeline.first_working_day_from(first_day + n)
        due_us = timeline.end_of_day(last_day)
    else:
        due_us, last_day = timeline.nth_close_after(start_us, n)
    if pauses:
        due_us = _resume(due_us, pauses)
        last_day = timeline.day_of(due_us - 1)
    return due_us, timeline.unsettled_between(first_day, last_day)


def _business_due(
    start_us: int, amount_us: int, timeline: Timeline, pauses: Sequence[_Pause]
) -> tuple[int, bool]:
    """Business hours: the same stop-the-clock rule, measured in business time."""
    origin = timeline.business_at(start_us)
    target = origin + amount_us
    if pauses:
        business = timeline.business_at
        target = _resume(target, [(business(a), business(b)) for a, b in pauses])
    due_us, last_day = timeline.business_instant(target)
    return due_us, timeline.unsettled_between(timeline.day_of(start_us), last_day)


def _requested_due(
    start_us: int,
    timeline: Timeline,
    requested_due_at: datetime | None,
    may_lengthen: bool,
    default: Duration | None,
    pauses: Sequence[_Pause],
) -> tuple[int, bool]:
    """The customer's deadline, bounded by the default unless lengthening is allowed.

    When the default decided the outcome (it applied, or it was compared with the
    request) its provisional flag carries over: an official schedule could change it.
    """
    if default is not None and default.unit is Unit.REQUESTED:
        raise ValueError("the default of a requested deadline cannot itself be requested")
    if requested_due_at is None:
        if default is None:
            raise ValueError("no requested deadline and no default to fall back on")
        return _due_us(start_us, default, timeline, pauses)
    asked_us = epoch_us(requested_due_at)
    if asked_us < start_us:
        raise ValueError("the requested deadline is before the start")
    asked_us = _resume(asked_us, pauses)
    if default is None or may_lengthen:
        return asked_us, False
    default_us, provisional = _due_us(start_us, default, timeline, pauses)
    return min(asked_us, default_us), provisional


def _resume(target: int, pauses: Sequence[_Pause]) -> int:
    """Stop the clock during each pause that begins before the (moving) target.

    Works in any monotonic time coordinate: wall microseconds, or business microseconds
    once the pauses are mapped onto the business clock. Pauses are sorted and disjoint.
    """
    for begin, end in pauses:
        if begin >= target:
            break
        target += end - begin
    return target


def _merged_pauses(paused: Sequence[tuple[datetime, datetime]], start_us: int) -> list[_Pause]:
    """Pauses as sorted, disjoint epoch-microsecond intervals after the start."""
    spans = []
    for begin, end in paused:
        begin_us, end_us = epoch_us(begin), epoch_us(end)
        if end_us < begin_us:
            raise ValueError(f"pause ends before it begins: {begin} to {end}")
        if end_us > start_us:
            spans.append((max(begin_us, start_us), end_us))
    spans.sort()
    merged: list[_Pause] = []
    for begin_us, end_us in spans:
        if merged and begin_us <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end_us))
        else:
            merged.append((begin_us, end_us))
    return merged
