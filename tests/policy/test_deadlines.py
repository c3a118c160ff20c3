"""Deadline maths on the real 2026 calendar (holidays 0.109, checked against the notice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.policy.calendar import (
    OutsideCalendarError,
    StatutoryYear,
    WorkingCalendar,
    YearStatus,
    statutory_year_from_library,
)
from portal.policy.deadlines import Due, Duration, Unit, compute_due

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_US = timedelta(microseconds=1)


@cache
def calendar() -> WorkingCalendar:
    """2025 and 2026 as published; 2027 not loaded."""
    return WorkingCalendar(tuple(statutory_year_from_library(y) for y in (2025, 2026)))


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def due(
    start: datetime,
    amount: float,
    unit: Unit,
    on: WorkingCalendar | None = None,
    **options: Any,
) -> Due:
    return compute_due(start, Duration(amount, unit), on or calendar(), **options)


def local(result: Due) -> datetime:
    return result.due_at.astimezone(SHANGHAI)


# --- the contract -------------------------------------------------------------------


def test_units_are_exactly_the_policy_vocabulary() -> None:
    assert {u.value for u in Unit} == {
        "minutes",
        "hours",
        "business_hours",
        "calendar_days",
        "working_days",
        "end_of_business_day",
        "requested",
    }


def test_result_is_utc_and_independent_of_the_start_zone() -> None:
    start = sh(2026, 9, 28, 10)
    in_shanghai = due(start, 15, Unit.WORKING_DAYS)
    in_new_york = due(start.astimezone(ZoneInfo("America/New_York")), 15, Unit.WORKING_DAYS)
    assert in_shanghai.due_at.tzinfo is UTC
    assert in_new_york == in_shanghai


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 9, 28, 10)
    with pytest.raises(ValueError, match="naive"):
        due(naive, 1, Unit.HOURS)
    with pytest.raises(ValueError, match="naive"):
        due(sh(2026, 9, 28), 1, Unit.REQUESTED, requested_due_at=naive)
    with pytest.raises(ValueError, match="naive"):
        due(sh(2026, 9, 28), 1, Unit.HOURS, paused=[(naive, naive + timedelta(hours=1))])


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        (0, Unit.HOURS),
        (-1, Unit.MINUTES),
        (float("inf"), Unit.BUSINESS_HOURS),
        (float("nan"), Unit.HOURS),
        (True, Unit.WORKING_DAYS),
        ("3", Unit.WORKING_DAYS),
        (1.5, Unit.WORKING_DAYS),
        (2.5, Unit.CALENDAR_DAYS),
        (1.5, Unit.END_OF_BUSINESS_DAY),
        (1, "fortnights"),
    ],
)
def test_duration_rejects_meaningless_amounts(amount: object, unit: object) -> None:
    with pytest.raises(ValueError):
        Duration(amount, unit)  # type: ignore[arg-type]


def test_duration_accepts_unit_text_and_whole_floats() -> None:
    assert Duration(3.0, "working_days") == Duration(3, Unit.WORKING_DAYS)  # type: ignore[arg-type]
    assert Duration(3, "working_days").unit is Unit.WORKING_DAYS  # type: ignore[arg-type]


# --- wall clock -----------------------------------------------------------------------


def test_minutes_and_hours_are_wall_clock_through_nights_and_holidays() -> None:
    assert local(due(sh(2026, 9, 30, 23), 2, Unit.HOURS)) == sh(2026, 10, 1, 1)
    assert local(due(sh(2026, 9, 30, 23), 90, Unit.MINUTES)) == sh(2026, 10, 1, 0, 30)
    assert local(due(sh(2026, 9, 30, 23), 1.5, Unit.HOURS)) == sh(2026, 10, 1, 0, 30)
    assert local(due(sh(2026, 9, 30, 23), 48, Unit.HOURS)) == sh(2026, 10, 2, 23)


def test_wall_clock_ignores_the_calendar_so_is_never_provisional() -> None:
    result = due(sh(2026, 12, 31, 23), 48, Unit.HOURS)
    assert result == Due(datetime(2027, 1, 2, 15, tzinfo=UTC), provisional=False)


# --- working days -------------------------------------------------------------------


def test_15_working_days_skip_national_day_and_count_the_make_up_saturday() -> None:
    # Sep 29, 30 (2), Oct 8, 9 (4), Sat Oct 10 (5), Oct 12-16 (10), Oct 19-23 (15).
    result = due(sh(2026, 9, 28, 10), 15, Unit.WORKING_DAYS)
    assert result == Due(datetime(2026, 10, 23, 16, tzinfo=UTC), provisional=False)
    assert local(result) == sh(2026, 10, 24)  # 24:00 on Fri Oct 23


def test_working_days_do_not_count_the_start_day() -> None:
    assert local(due(sh(2026, 3, 11, 0, 1), 1, Unit.WORKING_DAYS)) == sh(2026, 3, 13)
    assert local(due(sh(2026, 3, 13, 23, 59), 1, Unit.WORKING_DAYS)) == sh(2026, 3, 17)
    assert local(due(sh(2026, 10, 9, 12), 1, Unit.WORKING_DAYS)) == sh(2026, 10, 11)  # Sat 10th
    assert local(due(sh(2026, 10, 3, 12), 1, Unit.WORKING_DAYS)) == sh(2026, 10, 9)


def test_the_start_day_is_the_tenants_local_day() -> None:
    # 17:00 UTC on Mar 12 is already Fri Mar 13 in Shanghai.
    result = due(datetime(2026, 3, 12, 17, tzinfo=UTC), 1, Unit.WORKING_DAYS)
    assert local(result) == sh(2026, 3, 17)
    berlin = WorkingCalendar(calendar().years, time_zone="Europe/Berlin")
    result = due(datetime(2026, 3, 12, 17, tzinfo=UTC), 1, Unit.WORKING_DAYS, berlin)
    assert result.due_at == datetime(2026, 3, 13, 23, tzinfo=UTC)  # 24:00 Fri 13th, CET


def test_tenant_rest_and_working_days_move_working_day_deadlines() -> None:
    start = sh(2026, 3, 9, 10)  # Monday
    assert local(due(start, 5, Unit.WORKING_DAYS)) == sh(2026, 3, 17)
    closed = WorkingCalendar(calendar().years, extra_rest_days=frozenset({date(2026, 3, 12)}))
    assert local(due(start, 5, Unit.WORKING_DAYS, closed)) == sh(2026, 3, 18)
    open_sunday = WorkingCalendar(
        calendar().years, extra_working_days=frozenset({date(2026, 3, 15)})
    )
    assert local(due(start, 5, Unit.WORKING_DAYS, open_sunday)) == sh(2026, 3, 16)


# --- calendar days ------------------------------------------------------------------


def test_2_calendar_days_ending_in_spring_festival_end_on_the_next_working_day() -> None:
    # Day 1 Sat Feb 14 (a make-up working day), day 2 Sun Feb 15 is a rest day; then
    # Feb 16-23 are off, so the period ends with Tue Feb 24 (art. 203).
    result = due(sh(2026, 2, 13, 15), 2, Unit.CALENDAR_DAYS)
    assert result == Due(datetime(2026, 2, 24, 16, tzinfo=UTC), provisional=False)


def test_calendar_days_ending_on_a_make_up_saturday_end_that_day() -> None:
    assert local(due(sh(2026, 2, 12, 15), 2, Unit.CALENDAR_DAYS)) == sh(2026, 2, 15)


def test_calendar_days_count_rest_days_in_the_middle() -> None:
    # Mon Sep 28 + 10 days = Thu Oct 8: the holiday inside the period still counts.
    assert local(due(sh(2026, 9, 28, 9), 10, Unit.CALENDAR_DAYS)) == sh(2026, 10, 9)
    assert local(due(sh(2026, 3, 10, 9), 3, Unit.CALENDAR_DAYS)) == sh(2026, 3, 14)


def test_calendar_days_ending_on_a_tenant_rest_day_roll_forward() -> None:
    closed = WorkingCalendar(calendar().years, extra_rest_days=frozenset({date(2026, 3, 13)}))
    assert local(due(sh(2026, 3, 10, 9), 3, Unit.CALENDAR_DAYS, closed)) == sh(2026, 3, 17)


# --- business hours -----------------------------------------------------------------


def test_business_hours_cross_the_lunch_break() -> None:
    # 11:00-12:00, then 13:30-14:30.
    assert local(due(sh(2026, 3, 11, 11), 2, Unit.BUSINESS_HOURS)) == sh(2026, 3, 11, 14, 30)


def test_business_hours_cross_a_weekend() -> None:
    # Fri 15:00-17:30 is 2.5 h; Monday 09:00-11:00 the other 2.
    assert local(due(sh(2026, 3, 13, 15), 4.5, Unit.BUSINESS_HOURS)) == sh(2026, 3, 16, 11)


def test_business_hours_ending_at_a_close_are_due_at_the_close() -> None:
    assert local(due(sh(2026, 3, 11, 16, 30), 1, Unit.BUSINESS_HOURS)) == sh(2026, 3, 11, 17, 30)
    assert local(due(sh(2026, 3, 11, 9), 3, Unit.BUSINESS_HOURS)) == sh(2026, 3, 11, 12)


def test_business_hours_started_outside_hours_start_at_the_next_opening() -> None:
    assert local(due(sh(2026, 3, 11, 7), 1, Unit.BUSINESS_HOURS)) == sh(2026, 3, 11, 10)
    assert local(due(sh(2026, 3, 11, 12, 15), 1, Unit.BUSINESS_HOURS)) == sh(2026, 3, 11, 14, 30)
    assert local(due(sh(2026, 3, 11, 20), 0.5, Unit.BUSINESS_HOURS)) == sh(2026, 3, 12, 9, 30)


def test_business_hours_skip_holidays_and_work_the_make_up_saturday() -> None:
    assert local(due(sh(2026, 10, 1, 10), 1, Unit.BUSINESS_HOURS)) == sh(2026, 10, 8, 10)
    # Fri Oct 9 16:30-17:30, then Sat Oct 10 (调休, Monday's hours) 09:00-11:00.
    assert local(due(sh(2026, 10, 9, 16, 30), 3, Unit.BUSINESS_HOURS)) == sh(2026, 10, 10, 11)


def test_business_hours_follow_the_tenant_zone_through_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    tenant = WorkingCalendar(
        calendar().years,
        hours={d: [(time(9), time(17))] for d in range(1, 6)},
        time_zone=str(berlin),
    )
    # Fri Mar 27 16:00 CET + 2 h: one hour on Friday, one on Monday Mar 30 (CEST).
    result = due(datetime(2026, 3, 27, 16, tzinfo=berlin), 2, Unit.BUSINESS_HOURS, tenant)
    assert result.due_at == datetime(2026, 3, 30, 8, tzinfo=UTC)


# --- end of business day ------------------------------------------------------------


def test_end_of_business_day_before_and_after_close() -> None:
    assert local(due(sh(2026, 3, 11, 8), 1, Unit.END_OF_BUSINESS_DAY)) == sh(2026, 3, 11, 17, 30)
    assert local(due(sh(2026, 3, 11, 17), 1, Unit.END_OF_BUSINESS_DAY)) == sh(2026, 3, 11, 17, 30)
    assert local(due(sh(2026, 3, 11, 17, 30), 1, Unit.END_OF_BUSINESS_DAY)) == (
        sh(2026, 3, 12, 17, 30)
    )
    assert local(due(sh(2026, 3, 13, 18), 1, Unit.END_OF_BUSINESS_DAY)) == sh(2026, 3, 16, 17, 30)


def test_end_of_business_day_counts_closes() -> None:
    assert local(due(sh(2026, 9, 30, 10), 2, Unit.END_OF_BUSINESS_DAY)) == sh(2026, 10, 8, 17, 30)
    assert local(due(sh(2026, 9, 30, 10), 4, Unit.END_OF_BUSINESS_DAY)) == (
        sh(2026, 10, 10, 17, 30)
    )


def test_end_of_business_day_without_hours_is_midnight() -> None:
    no_wednesday = {d: [(time(9), time(17))] for d in (1, 2, 4, 5)}
    tenant = WorkingCalendar(calendar().years, hours=no_wednesday)
    assert local(due(sh(2026, 3, 11, 20), 1, Unit.END_OF_BUSINESS_DAY, tenant)) == sh(2026, 3, 12)
    assert local(due(sh(2026, 3, 10, 20), 1, Unit.END_OF_BUSINESS_DAY, tenant)) == sh(2026, 3, 12)


# --- requested deadlines ------------------------------------------------------------


START = sh(2026, 3, 9, 10)
DEFAULT = Duration(5, Unit.WORKING_DAYS)  # due 24:00 Mon Mar 16


@pytest.mark.parametrize(
    ("asked", "may_lengthen", "expected"),
    [
        (sh(2026, 3, 12, 12), False, sh(2026, 3, 12, 12)),  # shorter: taken
        (sh(2026, 3, 20, 12), False, sh(2026, 3, 17)),  # longer: capped to the default
        (sh(2026, 3, 20, 12), True, sh(2026, 3, 20, 12)),  # longer, allowed
        (None, False, sh(2026, 3, 17)),  # no request: the default
    ],
)
def test_requested_deadline_may_shorten_the_default(
    asked: datetime | None, may_lengthen: bool, expected: datetime
) -> None:
    result = due(
        START,
        0,
        Unit.REQUESTED,
        requested_due_at=asked,
        requested_may_lengthen=may_lengthen,
        default=DEFAULT,
    )
    assert local(result) == expected


def test_requested_deadline_without_default_is_taken_as_asked() -> None:
    assert local(due(START, 0, Unit.REQUESTED, requested_due_at=sh(2026, 5, 1))) == sh(2026, 5, 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"requested_due_at": sh(2026, 3, 9, 9)},
        {"requested_due_at": sh(2026, 3, 10), "default": Duration(0, Unit.REQUESTED)},
    ],
    ids=["nothing-to-go-on", "before-start", "requested-default"],
)
def test_requested_deadline_rejects_what_cannot_be_honoured(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        due(START, 0, Unit.REQUESTED, **kwargs)


def test_requested_deadline_is_provisional_when_the_default_decided_it() -> None:
    late = sh(2026, 12, 28, 10)
    default = Duration(10, Unit.WORKING_DAYS)  # runs into unknown 2027
    capped = due(late, 0, Unit.REQUESTED, requested_due_at=sh(2027, 2, 1), default=default)
    assert capped.provisional
    shorter = due(late, 0, Unit.REQUESTED, requested_due_at=sh(2026, 12, 30), default=default)
    assert (local(shorter), shorter.provisional) == (sh(2026, 12, 30), True)
    free = due(
        late,
        0,
        Unit.REQUESTED,
        requested_due_at=sh(2027, 2, 1),
        default=default,
        requested_may_lengthen=True,
    )
    assert (local(free), free.provisional) == (sh(2027, 2, 1), False)


# --- provisional years --------------------------------------------------------------


def test_deadline_into_an_unpublished_year_is_provisional_until_it_is_loaded() -> None:
    start = sh(2026, 12, 21, 10)
    # Dec 22-25, Dec 28-31 (8); 2027 unknown so Mon-Fri: Fri Jan 1 (9), Mon Jan 4 (10).
    unknown = due(start, 10, Unit.WORKING_DAYS)
    assert unknown == Due(datetime(2027, 1, 4, 16, tzinfo=UTC), provisional=True)
    # The library's extrapolated 2027 makes Jan 1 a holiday but is not official.
    extrapolated = due(
        start, 10, Unit.WORKING_DAYS, calendar().with_year(statutory_year_from_library(2027))
    )
    assert extrapolated == Due(datetime(2027, 1, 5, 16, tzinfo=UTC), provisional=True)
    made_up_2027 = StatutoryYear(
        year=2027,
        holidays={date(2027, 1, 1): "元旦", date(2027, 1, 4): "休息日（由 2027-01-02 调休）"},
        working_days=frozenset({date(2027, 1, 2)}),
        status=YearStatus.OFFICIAL,
    )
    # Jan 1 off, Sat Jan 2 worked (9), Jan 4 off, Tue Jan 5 (10).
    official = due(start, 10, Unit.WORKING_DAYS, calendar().with_year(made_up_2027))
    assert official == Due(datetime(2027, 1, 5, 16, tzinfo=UTC), provisional=False)


def test_deadline_ending_on_new_years_eve_is_not_provisional() -> None:
    # Dec 29, 30, 31: due at 24:00 on Dec 31, which is already 2027-01-01 00:00.
    result = due(sh(2026, 12, 28, 10), 3, Unit.WORKING_DAYS)
    assert result == Due(datetime(2026, 12, 31, 16, tzinfo=UTC), provisional=False)


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        (7, Unit.CALENDAR_DAYS),
        (40, Unit.BUSINESS_HOURS),
        (6, Unit.END_OF_BUSINESS_DAY),
    ],
)
def test_every_calendar_unit_flags_an_unpublished_year(amount: int, unit: Unit) -> None:
    assert due(sh(2026, 12, 28, 10), amount, unit).provisional
    assert not due(sh(2026, 12, 7, 10), amount, unit).provisional


def test_a_deadline_beyond_the_calendar_span_is_an_error() -> None:
    with pytest.raises(OutsideCalendarError):
        due(sh(2029, 12, 1), 30, Unit.WORKING_DAYS)
    with pytest.raises(OutsideCalendarError):
        due(sh(2024, 12, 1), 3, Unit.WORKING_DAYS)


# --- pauses -------------------------------------------------------------------------


def test_pause_moves_a_wall_clock_deadline_by_the_paused_time_after_start() -> None:
    start = sh(2026, 3, 11, 10)
    assert local(due(start, 24, Unit.HOURS)) == sh(2026, 3, 12, 10)
    paused = [(sh(2026, 3, 11, 9), sh(2026, 3, 11, 12))]  # began before the start: 2 h count
    assert local(due(start, 24, Unit.HOURS, paused=paused)) == sh(2026, 3, 12, 12)


def test_overlapping_pauses_count_once() -> None:
    start = sh(2026, 3, 11, 10)
    paused = [
        (sh(2026, 3, 11, 11), sh(2026, 3, 11, 13)),
        (sh(2026, 3, 11, 12), sh(2026, 3, 11, 14)),
        (sh(2026, 3, 11, 16), sh(2026, 3, 11, 16, 30)),
    ]
    assert local(due(start, 24, Unit.HOURS, paused=paused)) == sh(2026, 3, 12, 13, 30)


def test_a_pause_after_the_deadline_passed_does_not_revive_it() -> None:
    start = sh(2026, 3, 11, 10)
    paused = [(sh(2026, 3, 11, 13), sh(2026, 3, 11, 14)), (sh(2026, 3, 11, 14), sh(2026, 3, 13))]
    # Due 12:00; the first pause begins at 13:00, after it passed.
    assert local(due(start, 2, Unit.HOURS, paused=paused[:1])) == sh(2026, 3, 11, 12)
    # Due 12:00, paused 11:00-13:00 -> 14:00; a pause from 14:00 starts exactly at the due.
    moved = [(sh(2026, 3, 11, 11), sh(2026, 3, 11, 13)), (sh(2026, 3, 11, 14), sh(2026, 3, 13))]
    assert local(due(start, 2, Unit.HOURS, paused=moved)) == sh(2026, 3, 11, 14)


def test_pause_counts_only_business_time_for_business_hours() -> None:
    start = sh(2026, 3, 11, 16)  # 1.5 h on Wednesday, so due Thu 09:30 without pauses
    assert local(due(start, 2, Unit.BUSINESS_HOURS)) == sh(2026, 3, 12, 9, 30)
    overnight = [(sh(2026, 3, 11, 18), sh(2026, 3, 12, 8))]
    assert local(due(start, 2, Unit.BUSINESS_HOURS, paused=overnight)) == sh(2026, 3, 12, 9, 30)
    # 17:00 to 09:30 next day: 30 min on Wednesday and 30 min on Thursday.
    straddling = [(sh(2026, 3, 11, 17), sh(2026, 3, 12, 9, 30))]
    assert local(due(start, 2, Unit.BUSINESS_HOURS, paused=straddling)) == sh(2026, 3, 12, 10, 30)


def test_pause_shifts_day_based_deadlines_by_wall_time() -> None:
    start = sh(2026, 3, 9, 10)  # 5 working days: 24:00 Mon Mar 16
    paused = [(sh(2026, 3, 10, 9), sh(2026, 3, 12, 12))]  # 2 days 3 hours
    assert local(due(start, 5, Unit.WORKING_DAYS, paused=paused)) == sh(2026, 3, 19, 3)
    # 3 calendar days: 24:00 Thu Mar 12, plus the same 2 days 3 hours.
    assert local(due(start, 3, Unit.CALENDAR_DAYS, paused=paused)) == sh(2026, 3, 15, 3)


def test_pause_shifts_a_requested_deadline_by_wall_time() -> None:
    paused = [(sh(2026, 3, 10, 9), sh(2026, 3, 10, 12))]
    result = due(
        START,
        0,
        Unit.REQUESTED,
        requested_due_at=sh(2026, 3, 12, 12),
        default=DEFAULT,
        paused=paused,
    )
    assert local(result) == sh(2026, 3, 12, 15)


def test_pause_that_pushes_a_deadline_into_an_unknown_year_makes_it_provisional() -> None:
    start = sh(2026, 12, 21, 10)  # 5 working days: 24:00 Mon Dec 28
    assert not due(start, 5, Unit.WORKING_DAYS).provisional
    paused = [(sh(2026, 12, 22), sh(2027, 1, 2))]  # 11 days
    result = due(start, 5, Unit.WORKING_DAYS, paused=paused)
    assert (local(result), result.provisional) == (sh(2027, 1, 9), True)


def test_pause_that_ends_before_it_begins_is_rejected() -> None:
    with pytest.raises(ValueError, match="ends before"):
        due(sh(2026, 3, 11), 1, Unit.HOURS, paused=[(sh(2026, 3, 11, 12), sh(2026, 3, 11, 11))])


# --- properties ---------------------------------------------------------------------

starts_2026 = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
counted_units = st.sampled_from(
    [
        Unit.MINUTES,
        Unit.HOURS,
        Unit.BUSINESS_HOURS,
        Unit.CALENDAR_DAYS,
        Unit.WORKING_DAYS,
        Unit.END_OF_BUSINESS_DAY,
    ]
)


def local_days_after(day: date) -> Iterator[date]:
    while True:
        day += timedelta(1)
        yield day


@given(start=starts_2026, n=st.integers(1, 40))
def test_working_day_deadline_ends_at_24_00_of_the_nth_working_day(start: datetime, n: int) -> None:
    result = due(start, n, Unit.WORKING_DAYS)
    at = local(result)
    last_day = (at - ONE_US).date()
    assert at.time() == time(0)
    assert calendar().is_working_day(last_day)
    # An independent day-by-day count agrees with the bisect.
    after_start = local_days_after(start.astimezone(SHANGHAI).date())
    working = (d for d in after_start if calendar().is_working_day(d))
    assert [next(working) for _ in range(n)][-1] == last_day


@given(start=starts_2026, n=st.integers(1, 40))
def test_calendar_day_deadline_ends_on_a_working_day_no_earlier_than_day_n(
    start: datetime, n: int
) -> None:
    last_day = (local(due(start, n, Unit.CALENDAR_DAYS)) - ONE_US).date()
    day_n = start.astimezone(SHANGHAI).date() + timedelta(n)
    assert calendar().is_working_day(last_day)
    assert last_day >= day_n
    skipped = [day_n + timedelta(k) for k in range((last_day - day_n).days)]
    assert not any(calendar().is_working_day(d) for d in skipped)


@given(start=starts_2026, quarter_hours=st.integers(1, 200))
def test_business_hours_deadline_uses_exactly_the_business_time(
    start: datetime, quarter_hours: int
) -> None:
    amount = quarter_hours / 4
    at = local(due(start, amount, Unit.BUSINESS_HOURS))
    spent = timedelta()
    day = start.astimezone(SHANGHAI).date()
    while day <= at.date():
        for open_, close in calendar().business_hours(day):
            lo = max(datetime.combine(day, open_, SHANGHAI), start)
            hi = min(datetime.combine(day, close, SHANGHAI), at)
            spent += max(hi - lo, timedelta())
        day += timedelta(1)
    assert spent == timedelta(hours=amount)
    assert any(o < at.time() <= c for o, c in calendar().business_hours(at.date()))


@given(start=starts_2026, unit=counted_units, a=st.integers(1, 30), b=st.integers(1, 30))
def test_a_longer_duration_is_never_due_earlier(
    start: datetime, unit: Unit, a: int, b: int
) -> None:
    shorter, longer = sorted((a, b))
    assert due(start, shorter, unit).due_at <= due(start, longer, unit).due_at


@given(
    start=starts_2026,
    unit=st.sampled_from([Unit.MINUTES, Unit.HOURS]),
    amount=st.integers(1, 500),
    pause_us=st.integers(0, 10 * 24 * 3_600_000_000),
    data=st.data(),
)
def test_pausing_for_t_moves_a_wall_clock_deadline_by_exactly_t(
    start: datetime, unit: Unit, amount: int, pause_us: int, data: st.DataObject
) -> None:
    unpaused = due(start, amount, unit).due_at
    # Any pause that begins while the clock still runs, i.e. before the due time.
    offset_us = data.draw(st.integers(0, (unpaused - start) // ONE_US - 1), label="offset_us")
    pause_from = start + timedelta(microseconds=offset_us)
    length = timedelta(microseconds=pause_us)
    paused = due(start, amount, unit, paused=[(pause_from, pause_from + length)]).due_at
    assert paused - unpaused == length


@cache
def twin_calendar() -> WorkingCalendar:
    """Built separately from calendar(), from the same data."""
    return WorkingCalendar(tuple(statutory_year_from_library(y) for y in (2025, 2026)))


@given(start=starts_2026, unit=counted_units, n=st.integers(1, 30))
def test_compute_due_is_deterministic(start: datetime, unit: Unit, n: int) -> None:
    first = due(start, n, unit)
    assert due(start, n, unit) == first
    assert due(start, n, unit, twin_calendar()) == first
