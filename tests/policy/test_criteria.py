"""The rule evaluator: every operator, combinator and condition kind, and its reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter

from portal.policy.criteria import Subject, compile_condition, describe
from portal.policy.document import BUILTIN_FACTS, Condition, FieldType, Locale

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
TYPES: dict[str, FieldType] = {
    **BUILTIN_FACTS,
    "amount": "number",
    "units": "integer",
    "personal_injury": "boolean",
    "media_involved": "boolean",
    "note": "string",
    "product": "choice",
    "incident_date": "date",
}
_CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def condition(data: dict[str, Any]) -> Condition:
    parsed: Condition = _CONDITION.validate_python(data)
    return parsed


def run(
    data: dict[str, Any],
    values: dict[str, object] | None = None,
    *,
    now: datetime = NOW,
    occurred_at: datetime | None = None,
    prior: tuple[datetime, ...] = (),
    locale: Locale = "en",
) -> tuple[bool, list[str]]:
    compiled = compile_condition(condition(data), TYPES, locale)
    return compiled(Subject(values or {}, now, occurred_at, prior))


def matches(data: dict[str, Any], values: dict[str, object] | None = None, **times: Any) -> bool:
    return run(data, values, **times)[0]


# --- comparisons ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "fact", "expected"),
    [
        ("==", 5000, 5000, True),
        ("==", 5000, 5000.0, True),
        ("==", 5000, 4999, False),
        ("!=", 5000, 4999, True),
        ("!=", 5000, 5000, False),
        ("<", 5000, 4999, True),
        ("<", 5000, 5000, False),
        ("<=", 5000, 5000, True),
        ("<=", 5000, 5000.01, False),
        (">", 5000, 5000.01, True),
        (">", 5000, 5000, False),
        (">=", 5000, 5000, True),
        (">=", 5000, 4999, False),
        ("in", [1, 2, 3], 2, True),
        ("in", [1, 2, 3], 4, False),
        ("not_in", [1, 2, 3], 4, True),
        ("not_in", [1, 2, 3], 3, False),
    ],
)
def test_number_operators(op: str, value: Any, fact: float, expected: bool) -> None:
    assert matches({"field": "amount", "op": op, "value": value}, {"amount": fact}) is expected


@pytest.mark.parametrize(
    ("op", "value", "fact", "expected"),
    [
        ("==", "lift", "lift", True),
        ("==", "lift", "Lift", False),
        ("!=", "lift", "water", True),
        ("in", ["lift", "water"], "water", True),
        ("not_in", ["lift", "water"], "gas", True),
        ("not_in", ["lift", "water"], "lift", False),
    ],
)
def test_choice_operators(op: str, value: Any, fact: str, expected: bool) -> None:
    assert matches({"field": "product", "op": op, "value": value}, {"product": fact}) is expected


@pytest.mark.parametrize(
    ("fact", "expected"),
    [("Water LEAKS on floor 3", True), ("漏水 leak", True), ("dry", False)],
)
def test_contains_is_a_case_insensitive_substring(fact: str, expected: bool) -> None:
    assert matches({"field": "note", "op": "contains", "value": "Leak"}, {"note": fact}) is expected


@pytest.mark.parametrize(
    ("op", "fact", "expected"),
    [
        ("<", "2026-08-31", True),
        ("<", "2026-09-01", False),
        (">=", "2026-09-01", True),
        (">=", date(2026, 8, 31), False),
        ("==", date(2026, 9, 1), True),
    ],
)
def test_date_comparisons_read_iso_dates(op: str, fact: object, expected: bool) -> None:
    data = {"field": "incident_date", "op": op, "value": "2026-09-01"}
    assert matches(data, {"incident_date": fact}) is expected


def test_dates_in_a_list() -> None:
    data = {"field": "incident_date", "op": "in", "value": ["2026-10-01", "2026-10-02"]}
    assert matches(data, {"incident_date": "2026-10-02"})
    assert not matches(data, {"incident_date": "2026-10-03"})


def test_boolean_equality() -> None:
    data = {"field": "personal_injury", "op": "==", "value": False}
    assert matches(data, {"personal_injury": False})
    assert not matches(data, {"personal_injury": True})


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not_in"])
@pytest.mark.parametrize("values", [{}, {"amount": None}, {"amount": "6000"}, {"amount": True}])
def test_a_comparison_on_an_absent_or_ill_typed_field_is_false(
    op: str, values: dict[str, object]
) -> None:
    value: object = [0, 6000] if op in ("in", "not_in") else 0
    assert run({"field": "amount", "op": op, "value": value}, values) == (False, [])


def test_a_negated_comparison_matches_an_absent_field() -> None:
    assert matches({"not": {"field": "amount", "op": "==", "value": 0}}, {})


def test_an_unknown_fact_cannot_be_compiled() -> None:
    with pytest.raises(ValueError, match="'colour' is neither a field"):
        compile_condition(condition({"field": "colour", "op": "==", "value": "red"}), TYPES)


# --- flags and combinators ------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"personal_injury": True}, True),
        ({"personal_injury": False}, False),
        ({}, False),
        ({"personal_injury": 1}, False),
    ],
)
def test_flag_is_true_only_for_true(values: dict[str, object], expected: bool) -> None:
    assert matches({"flag": "personal_injury"}, values) is expected


def test_flag_on_a_built_in_fact() -> None:
    assert run({"flag": "customer.anonymous"}, {"customer.anonymous": True}) == (
        True,
        ["customer.anonymous"],
    )


BIG = {"field": "amount", "op": ">=", "value": 5000}
INJURY = {"flag": "personal_injury"}
MEDIA = {"flag": "media_involved"}


def test_all_needs_every_part_and_gives_every_reason() -> None:
    data = {"all": [BIG, INJURY]}
    assert run(data, {"amount": 5000, "personal_injury": True}) == (
        True,
        ["amount >= 5000", "personal_injury"],
    )
    assert run(data, {"amount": 4999, "personal_injury": True}) == (False, [])


def test_any_needs_one_part_and_gives_the_reasons_of_those_that_matched() -> None:
    data = {"any": [BIG, INJURY, MEDIA]}
    assert run(data, {"amount": 6000, "media_involved": True}) == (
        True,
        ["amount >= 5000", "media_involved"],
    )
    assert run(data, {"personal_injury": True}) == (True, ["personal_injury"])
    assert run(data, {"amount": 10}) == (False, [])


def test_not_inverts_and_explains_itself() -> None:
    assert run({"not": BIG}, {"amount": 4999}) == (True, ["not (amount >= 5000)"])
    assert run({"not": BIG}, {"amount": 5000}) == (False, [])
    assert run({"not": BIG}, {"amount": 1}, locale="zh") == (True, ["非（amount >= 5000）"])


def test_nested_combinations() -> None:
    data = {"all": [{"any": [BIG, INJURY]}, {"not": {"flag": "customer.anonymous"}}]}
    values: dict[str, object] = {"personal_injury": True, "customer.anonymous": False}
    assert run(data, values) == (True, ["personal_injury", "not (customer.anonymous)"])
    assert not matches(data, {**values, "customer.anonymous": True})


def test_a_label_replaces_the_generated_reason() -> None:
    big = {**BIG, "label": {"en": "loss of 5,000 yuan or more", "zh": "损失5000元以上"}}
    assert run(big, {"amount": 5000}) == (True, ["loss of 5,000 yuan or more"])
    assert run(big, {"amount": 5000}, locale="zh") == (True, ["损失5000元以上"])
    group = {"any": [BIG, INJURY], "label": {"en": "serious harm", "zh": "严重损害"}}
    assert run(group, {"amount": 9000, "personal_injury": True}) == (True, ["serious harm"])
    negated = {"not": INJURY, "label": {"en": "no injury", "zh": "无人身伤害"}}
    assert run(negated, {}) == (True, ["no injury"])


@pytest.mark.parametrize(
    ("data", "en", "zh"),
    [
        (BIG, "amount >= 5000", "amount >= 5000"),
        (
            {"field": "product", "op": "in", "value": ["lift", "water"]},
            'product in ["lift", "water"]',
            'product 属于 ["lift", "water"]',
        ),
        (
            {"field": "product", "op": "not_in", "value": ["gas"]},
            'product not in ["gas"]',
            'product 不属于 ["gas"]',
        ),
        (
            {"field": "note", "op": "contains", "value": "漏水"},
            'note contains "漏水"',
            'note 包含 "漏水"',
        ),
        ({"field": "amount", "op": "<", "value": 2.5}, "amount < 2.5", "amount < 2.5"),
        (
            {"all": [BIG, {"any": [INJURY, MEDIA]}]},
            "amount >= 5000 and (personal_injury or media_involved)",
            "amount >= 5000 且 (personal_injury 或 media_involved)",
        ),
        (
            {"occurred_more_than": {"amount": 5, "unit": "months"}},
            "occurred more than 5 months ago",
            "发生已超过5个月",
        ),
        (
            {"occurred_more_than": {"amount": 1, "unit": "years"}},
            "occurred more than 1 year ago",
            "发生已超过1年",
        ),
        (
            {"repeats": {"at_least": 2, "within_days": 30}},
            "at least 2 complaints within 30 days",
            "30天内投诉至少2次",
        ),
    ],
)
def test_generated_descriptions(data: dict[str, Any], en: str, zh: str) -> None:
    assert describe(condition(data), "en") == en
    assert describe(condition(data), "zh") == zh


# --- time ----------------------------------------------------------------------------

FIVE_MONTHS = {"occurred_more_than": {"amount": 5, "unit": "months"}}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 6, 29, 23, 59), False),
        (at(2026, 6, 30, 0, 0), False),  # exactly 5 months: Jan 31 + 5 months is June 30
        (at(2026, 6, 30, 23, 59), False),
        (at(2026, 7, 1, 0, 0), True),  # one day over
    ],
)
def test_occurred_more_than_months_at_the_end_of_a_month(now: datetime, expected: bool) -> None:
    assert matches(FIVE_MONTHS, now=now, occurred_at=at(2026, 1, 31, 10)) is expected


@pytest.mark.parametrize(
    ("occurred", "now", "expected"),
    [
        (at(2026, 3, 15, 9), at(2026, 8, 15, 23), False),
        (at(2026, 3, 15, 9), at(2026, 8, 16, 0), True),
        (at(2025, 9, 30), at(2026, 2, 28, 12), False),  # Sep 30 + 5 months = Feb 28
        (at(2025, 9, 30), at(2026, 3, 1), True),
    ],
)
def test_occurred_more_than_months(occurred: datetime, now: datetime, expected: bool) -> None:
    assert matches(FIVE_MONTHS, now=now, occurred_at=occurred) is expected


def test_occurred_more_than_days_and_years() -> None:
    five_days = {"occurred_more_than": {"amount": 5, "unit": "days"}}
    assert not matches(five_days, now=at(2026, 9, 6, 23, 59), occurred_at=at(2026, 9, 1, 8))
    assert matches(five_days, now=at(2026, 9, 7), occurred_at=at(2026, 9, 1, 8))
    one_year = {"occurred_more_than": {"amount": 1, "unit": "years"}}
    assert not matches(one_year, now=at(2025, 2, 28, 12), occurred_at=at(2024, 2, 29))
    assert matches(one_year, now=at(2025, 3, 1), occurred_at=at(2024, 2, 29))


def test_occurred_more_than_counts_dates_in_the_incident_time_zone() -> None:
    occurred = at(2026, 1, 31, 10)
    # 2026-06-30 16:30 UTC is already 1 July in Shanghai.
    assert matches(FIVE_MONTHS, now=datetime(2026, 6, 30, 16, 30, tzinfo=UTC), occurred_at=occurred)
    assert not matches(
        FIVE_MONTHS, now=datetime(2026, 6, 30, 15, 30, tzinfo=UTC), occurred_at=occurred
    )


def test_occurred_more_than_without_an_incident_time_is_false() -> None:
    assert run(FIVE_MONTHS, now=at(2030, 1, 1)) == (False, [])
    assert run(FIVE_MONTHS, now=at(2026, 7, 1), occurred_at=at(2026, 1, 31)) == (
        True,
        ["occurred more than 5 months ago"],
    )


TWICE_IN_30_DAYS = {"repeats": {"at_least": 2, "within_days": 30}}


@pytest.mark.parametrize(
    ("prior", "expected"),
    [
        ((), False),
        ((NOW - timedelta(days=30),), True),  # the window's edge counts
        ((NOW - timedelta(days=30, seconds=1),), False),
        ((NOW - timedelta(days=45), NOW - timedelta(days=2)), True),
        ((NOW + timedelta(days=1),), False),  # a later ticket is not an earlier complaint
    ],
)
def test_repeats_counts_this_ticket_and_earlier_ones_in_the_window(
    prior: tuple[datetime, ...], expected: bool
) -> None:
    assert matches(TWICE_IN_30_DAYS, prior=prior) is expected


def test_repeats_needs_at_least_the_number_asked() -> None:
    three = {"repeats": {"at_least": 3, "within_days": 7}}
    assert not matches(three, prior=(NOW - timedelta(days=1),))
    assert not matches(three, prior=(NOW - timedelta(days=1), NOW - timedelta(days=8)))
    assert run(three, prior=(NOW - timedelta(days=1), NOW - timedelta(days=6))) == (
        True,
        ["at least 3 complaints within 7 days"],
    )
