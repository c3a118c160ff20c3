"""The working calendar: statutory data from the library, overrides, hours, timeline."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from holidays.countries.china import ChinaStaticHolidays

from portal.policy.calendar import (
    HORIZON_YEARS,
    OutsideCalendarError,
    StatutoryYear,
    WorkingCalendar,
    YearStatus,
    epoch_us,
    from_epoch_us,
    statutory_year_from_library,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The State Council's 2026 schedule: the breaks as announced, and the make-up working days.
REST_PERIODS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
]
MAKE_UP_DAYS_2026 = {
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
}
# What holidays 0.109 lists for 2026: the declared rest days, not the weekends inside a
# break (Jan 3, Feb 15, Feb 21-22, Apr 4, May 3, Jun 20-21, Sep 26-27, Oct 4).
LIBRARY_HOLIDAYS_2026 = {
    date(2026, 1, 1): "元旦",
    date(2026, 1, 2): "休息日（由 2026-01-04 调休）",
    date(2026, 2, 16): "农历除夕",
    date(2026, 2, 17): "春节",
    date(2026, 2, 18): "春节",
    date(2026, 2, 19): "春节",
    date(2026, 2, 20): "休息日（由 2026-02-14 调休）",
    date(2026, 2, 23): "休息日（由 2026-02-28 调休）",
    date(2026, 4, 5): "清明节",
    date(2026, 4, 6): "清明节（补假）",
    date(2026, 5, 1): "劳动节",
    date(2026, 5, 2): "劳动节",
    date(2026, 5, 4): "劳动节（补假）",
    date(2026, 5, 5): "休息日（由 2026-05-09 调休）",
    date(2026, 6, 19): "端午节",
    date(2026, 9, 25): "中秋节",
    date(2026, 10, 1): "国庆节",
    date(2026, 10, 2): "国庆节",
    date(2026, 10, 3): "国庆节",
    date(2026, 10, 5): "国庆节（补假）",
    date(2026, 10, 6): "休息日（由 2026-09-20 调休）",
    date(2026, 10, 7): "休息日（由 2026-10-10 调休）",
}


@cache
def calendar_2026() -> WorkingCalendar:
    return WorkingCalendar((statutory_year_from_library(2026),))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def year_2026(**changes: object) -> StatutoryYear:
    fields = {
        "year": 2026,
        "holidays": {date(2026, 10, 1): "国庆节"},
        "working_days": frozenset({date(2026, 10, 10)}),
        "status": YearStatus.OFFICIAL,
    }
    return StatutoryYear(**(fields | changes))  # type: ignore[arg-type]


# --- statutory data from the holidays library ---------------------------------------


def test_library_2026_is_the_published_schedule() -> None:
    year = statutory_year_from_library(2026)
    assert year.status is YearStatus.OFFICIAL
    assert year.working_days == MAKE_UP_DAYS_2026
    assert dict(year.holidays) == LIBRARY_HOLIDAYS_2026


def test_library_2026_rest_and_working_days_match_the_notice() -> None:
    calendar = calendar_2026()
    for first, last in REST_PERIODS_2026:
        assert not any(calendar.is_working_day(d) for d in days(first, last)), (first, last)
    assert all(calendar.is_working_day(d) for d in MAKE_UP_DAYS_2026)
    # 261 weekdays, 19 of them off, 6 weekend make-up days.
    assert sum(calendar.is_working_day(d) for d in days(date(2026, 1, 1), date(2026, 12, 31))) == (
        248
    )


def test_library_names_are_chinese_whatever_the_process_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "en_US")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert statutory_year_from_library(2026).holidays[date(2026, 10, 1)] == "国庆节"


def test_library_2027_is_extrapolated_without_make_up_days_so_provisional() -> None:
    year = statutory_year_from_library(2027)
    assert year.status is YearStatus.PROVISIONAL
    assert year.working_days == frozenset()
    assert year.holidays[date(2027, 10, 1)] == "国庆节"
    assert year.holidays[date(2027, 2, 6)] == "春节"


def test_library_later_year_is_official_once_it_ships_make_up_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published = dict(ChinaStaticHolidays.special_public_holidays)
    published[2027] = ((2, 11, 2, 13),)  # a made-up notice: Thu Feb 11 off, Sat Feb 13 worked
    monkeypatch.setattr(ChinaStaticHolidays, "special_public_holidays", published)
    statutory_year_from_library.cache_clear()  # it caches what the real library said
    year = statutory_year_from_library(2027)
    statutory_year_from_library.cache_clear()
    assert year.status is YearStatus.OFFICIAL
    assert year.working_days == {date(2027, 2, 13)}
    assert date(2027, 2, 11) in year.holidays


def test_cross_year_make_up_day_belongs_to_its_own_year() -> None:
    # The 2002 notice made Sat 2001-12-29 and Sun 2001-12-30 working days.
    made_up_in_2001 = statutory_year_from_library(2001).working_days
    assert {date(2001, 12, 29), date(2001, 12, 30)} <= made_up_in_2001
    assert all(d.year == 2002 for d in statutory_year_from_library(2002).working_days)


@pytest.mark.parametrize("year", [2040, 2101, 1990])
def test_library_never_raises_for_years_it_does_not_know(year: int) -> None:
    assert statutory_year_from_library(year).status is YearStatus.PROVISIONAL


# --- StatutoryYear ------------------------------------------------------------------


def test_statutory_year_is_immutable() -> None:
    year = year_2026()
    with pytest.raises(TypeError):
        year.holidays[date(2026, 10, 2)] = "国庆节"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        year.status = YearStatus.PROVISIONAL  # type: ignore[misc]


def test_statutory_year_accepts_status_text() -> None:
    assert year_2026(status="provisional").status is YearStatus.PROVISIONAL


@pytest.mark.parametrize(
    "changes",
    [
        {"holidays": {date(2027, 1, 1): "元旦"}},
        {"working_days": frozenset({date(2025, 9, 28)})},
        {"holidays": {date(2026, 10, 10): "国庆节"}},
        {"status": "published"},
    ],
    ids=["holiday-in-other-year", "working-day-in-other-year", "both", "bad-status"],
)
def test_statutory_year_rejects_inconsistent_data(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        year_2026(**changes)


# --- WorkingCalendar ----------------------------------------------------------------


def test_tenant_overrides_win_over_the_statutory_calendar() -> None:
    calendar = WorkingCalendar(
        (statutory_year_from_library(2026),),
        extra_rest_days=frozenset({date(2026, 3, 10)}),  # a Tuesday
        extra_working_days=frozenset({date(2026, 3, 15), date(2026, 10, 1)}),  # Sun, holiday
    )
    assert calendar_2026().is_working_day(date(2026, 3, 10))
    assert not calendar.is_working_day(date(2026, 3, 10))
    assert calendar.is_working_day(date(2026, 3, 15))
    assert calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 3, 14))  # an ordinary Saturday


def test_unloaded_years_fall_back_to_monday_to_friday() -> None:
    calendar = calendar_2026()
    assert calendar.is_working_day(date(2027, 1, 1))  # a Friday, schedule unknown
    assert not calendar.is_working_day(date(2027, 1, 2))


def test_business_hours_of_weekdays_make_up_days_and_rest_days() -> None:
    calendar = calendar_2026()
    monday = ((time(9), time(12)), (time(13, 30), time(17, 30)))
    assert calendar.business_hours(date(2026, 3, 11)) == monday
    assert calendar.business_hours(date(2026, 10, 10)) == monday  # 调休 Saturday
    assert calendar.business_hours(date(2026, 10, 1)) == ()
    assert calendar.business_hours(date(2026, 3, 14)) == ()


def test_weekend_working_day_uses_its_own_hours_when_it_has_some() -> None:
    hours = {
        1: [(time(8), time(16))],
        3: [(time(13), time(18)), (time(9), time(12))],  # given out of order
        6: [(time(10), time(14))],
    }
    calendar = WorkingCalendar(
        (statutory_year_from_library(2026),), hours=hours, weekend_hours_from=3
    )
    assert calendar.business_hours(date(2026, 10, 10)) == ((time(10), time(14)),)  # Saturday
    assert calendar.business_hours(date(2026, 9, 20)) == (  # Sunday: Wednesday's hours
        (time(9), time(12)),
        (time(13), time(18)),
    )
    assert calendar.business_hours(date(2026, 3, 10)) == ()  # Tuesday: closed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"years": ()},
        {"years": (year_2026(), year_2026())},
        {
            "extra_rest_days": frozenset({date(2026, 3, 2)}),
            "extra_working_days": {date(2026, 3, 2)},
        },
        {"hours": {8: [(time(9), time(17))]}},
        {"hours": {1: [(time(17), time(9))]}},
        {"hours": {1: [(time(9), time(13)), (time(12), time(17))]}},
        {"hours": {1: [(time(9, tzinfo=SHANGHAI), time(17))]}},
        {"weekend_hours_from": 0},
    ],
    ids=[
        "no-years",
        "duplicate-year",
        "rest-and-working",
        "weekday-8",
        "inverted",
        "overlap",
        "aware-time",
        "weekday-0",
    ],
)
def test_calendar_rejects_bad_configuration(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {"years": (year_2026(),)} | kwargs
    with pytest.raises(ValueError):
        WorkingCalendar(**arguments)  # type: ignore[arg-type]


def test_calendar_rejects_unknown_time_zone() -> None:
    with pytest.raises(LookupError):
        WorkingCalendar((year_2026(),), time_zone="Asia/Atlantis")


def test_calendar_is_frozen_and_with_year_builds_a_new_one() -> None:
    calendar = WorkingCalendar((statutory_year_from_library(2026),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.time_zone = "UTC"  # type: ignore[misc]
    made_up_2027 = StatutoryYear(
        2027, {date(2027, 1, 1): "元旦"}, frozenset({date(2027, 1, 2)}), YearStatus.OFFICIAL
    )
    updated = calendar.with_year(made_up_2027)
    assert calendar.year_status(2027) is None
    assert calendar.is_working_day(date(2027, 1, 1))
    assert updated.year_status(2027) is YearStatus.OFFICIAL
    assert not updated.is_working_day(date(2027, 1, 1))
    assert updated.is_working_day(date(2027, 1, 2))
    replaced = updated.with_year(statutory_year_from_library(2027))
    assert replaced.year_status(2027) is YearStatus.PROVISIONAL
    assert [y.year for y in replaced.years] == [2026, 2027]


# --- the integer timeline -------------------------------------------------------------


def local_us(year: int, month: int, day: int, hour: int = 0) -> int:
    return epoch_us(datetime(year, month, day, hour, tzinfo=SHANGHAI))


def test_epoch_microseconds_round_trip_exactly() -> None:
    moment = datetime(2026, 5, 6, 7, 8, 9, 123457, tzinfo=SHANGHAI)
    assert from_epoch_us(epoch_us(moment)) == moment
    assert epoch_us(moment + timedelta(microseconds=1)) - epoch_us(moment) == 1
    with pytest.raises(ValueError, match="naive"):
        epoch_us(datetime(2026, 5, 6))


def test_timeline_days_follow_the_tenant_time_zone() -> None:
    timeline = calendar_2026().timeline
    ordinal = date(2026, 3, 11).toordinal()
    assert timeline.day_of(local_us(2026, 3, 11)) == ordinal
    assert timeline.day_of(local_us(2026, 3, 11) - 1) == ordinal - 1
    assert timeline.end_of_day(ordinal) == local_us(2026, 3, 12)


def test_timeline_counts_working_days_by_bisect() -> None:
    timeline = calendar_2026().timeline
    sep_30 = date(2026, 9, 30).toordinal()
    assert timeline.nth_working_day_after(sep_30, 1) == date(2026, 10, 8).toordinal()
    assert timeline.nth_working_day_after(sep_30, 3) == date(2026, 10, 10).toordinal()
    assert timeline.first_working_day_from(date(2026, 10, 1).toordinal()) == (
        date(2026, 10, 8).toordinal()
    )
    assert timeline.first_working_day_from(sep_30) == sep_30


def test_timeline_business_clock_skips_lunch_and_nights() -> None:
    timeline = calendar_2026().timeline
    hour = 3_600_000_000
    at_11 = timeline.business_at(local_us(2026, 3, 11, 11))
    assert timeline.business_at(local_us(2026, 3, 11, 13)) - at_11 == hour
    assert timeline.business_at(local_us(2026, 3, 12, 9)) - at_11 == 5 * hour
    assert timeline.business_instant(at_11 + hour) == (
        local_us(2026, 3, 11, 12),
        date(2026, 3, 11).toordinal(),
    )


def test_timeline_knows_which_days_are_settled() -> None:
    calendar = calendar_2026().with_year(statutory_year_from_library(2027))
    timeline = calendar.timeline
    dec_31, jan_1 = date(2026, 12, 31).toordinal(), date(2027, 1, 1).toordinal()
    assert not timeline.unsettled_between(date(2026, 1, 1).toordinal(), dec_31)
    assert timeline.unsettled_between(dec_31, jan_1)
    assert timeline.unsettled_between(jan_1, jan_1)


def test_timeline_covers_the_loaded_years_plus_a_horizon() -> None:
    timeline = calendar_2026().timeline
    last_covered = date(2026 + HORIZON_YEARS, 12, 31)
    assert timeline.day_of(local_us(2026, 1, 1)) == date(2026, 1, 1).toordinal()
    last_evening = local_us(last_covered.year, last_covered.month, last_covered.day, 23)
    assert timeline.day_of(last_evening) == last_covered.toordinal()
    with pytest.raises(OutsideCalendarError):
        timeline.day_of(local_us(2025, 12, 31, 23))
    with pytest.raises(OutsideCalendarError):
        timeline.day_of(local_us(2026 + HORIZON_YEARS + 1, 1, 1))
    with pytest.raises(OutsideCalendarError):
        timeline.nth_working_day_after(last_covered.toordinal() - 3, 10)
