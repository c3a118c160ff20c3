"""Classification under a property-management-like policy: criteria, scoring, validity."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.policy.classify import (
    Classification,
    CompiledPolicy,
    TicketFacts,
    classify,
    compile_policy,
)
from portal.policy.document import validate_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def tier(key: str, en: str, zh: str, when: dict[str, Any] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "key": key,
        "label": label(en, zh),
        "milestones": [
            {
                "name": "resolve",
                "start": "created",
                "duration": {"amount": 2, "unit": "calendar_days"},
            }
        ],
    }
    if when is not None:
        found["when"] = when
    return found


PROPERTY: dict[str, Any] = {
    "kinds": ["consultation", "complaint", "appeal"],
    "fields": [
        {"key": "amount", "label": label("Loss", "损失金额"), "type": "number", "min": 0},
        {
            "key": "personal_injury",
            "label": label("Personal injury", "人身伤害"),
            "type": "boolean",
        },
        {"key": "company_fault", "label": label("Company at fault", "公司过失"), "type": "boolean"},
    ],
    "validity_reasons": [
        {"key": "anonymous", "label": label("Anonymous", "匿名")},
        {"key": "no_contact", "label": label("No contact details", "无联系方式")},
        {"key": "too_late", "label": label("Too late", "超过时效")},
    ],
    "invalid_rules": [
        {"reason": "anonymous", "when": {"flag": "customer.anonymous"}},
        {"reason": "no_contact", "when": {"not": {"flag": "has_contact"}}},
        {
            "reason": "anonymous",
            "when": {
                "all": [
                    {"flag": "customer.anonymous"},
                    {"field": "kind", "op": "==", "value": "appeal"},
                ]
            },
        },
        {
            "reason": "too_late",
            "when": {
                "occurred_more_than": {"amount": 5, "unit": "months"},
                "label": label("raised more than 5 months after the event", "事发超过5个月"),
            },
        },
    ],
    "channel_levels": [
        {"key": "estate", "label": label("Estate office", "管理处")},
        {"key": "government", "label": label("Government referral", "政府转办")},
    ],
    "channels": [
        {"key": "phone", "label": label("Phone", "电话"), "level": "estate"},
        {
            "key": "hotline_12345",
            "label": label("12345 hotline", "12345热线"),
            "level": "government",
        },
    ],
    "categories": [{"key": "service", "label": label("Service", "管理服务类")}],
    "tiers": [
        tier(
            "major",
            "Major",
            "重大",
            {
                "any": [
                    {"field": "amount", "op": ">=", "value": 5000},
                    {"flag": "personal_injury"},
                    {"repeats": {"at_least": 3, "within_days": 30}},
                ]
            },
        ),
        tier("important", "Important", "重要", {"flag": "company_fault"}),
        tier("minor", "Minor", "轻微"),
    ],
    "default_tier": "minor",
}

SCORING: dict[str, Any] = {
    "rules": [
        {
            "when": {"field": "amount", "op": ">=", "value": 5000},
            "points": 3,
            "label": label("Large loss", "损失大"),
        },
        {
            "when": {"flag": "personal_injury"},
            "points": 5,
            "label": label("Personal injury", "人身伤害"),
        },
        {"when": {"flag": "company_fault"}, "points": 2.5, "label": label("Our fault", "我方过失")},
        {
            "when": {"field": "channel_level", "op": "==", "value": "government"},
            "points": -1,
            "label": label("Referral", "转办"),
        },
    ],
    "thresholds": [{"tier": "important", "min_score": 2.5}, {"tier": "major", "min_score": 5}],
}


def compiled(scoring: dict[str, Any] | None = None) -> CompiledPolicy:
    document = copy.deepcopy(PROPERTY)
    if scoring is not None:
        document["scoring"] = scoring
    return compile_policy(validate_policy(document))


CRITERIA = compiled()
SCORED = compiled(SCORING)


def facts(**changes: Any) -> TicketFacts:
    base: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "now": NOW,
        "customer_anonymous": False,
        "has_contact": True,
    }
    return TicketFacts(**{**base, **changes})


# --- tiers by criteria -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "tier_key", "reasons"),
    [
        ({"amount": 4999}, "minor", ["no tier criterion matched: Minor (default)"]),
        ({"amount": 5000}, "major", ["amount >= 5000"]),
        ({"amount": 4999, "company_fault": True}, "important", ["company_fault"]),
        (
            {"amount": 9000, "personal_injury": True, "company_fault": True},
            "major",
            ["amount >= 5000", "personal_injury"],
        ),
        ({}, "minor", ["no tier criterion matched: Minor (default)"]),
    ],
)
def test_the_most_severe_matching_tier_wins(
    fields: dict[str, object], tier_key: str, reasons: list[str]
) -> None:
    result = classify(CRITERIA, facts(fields=fields))
    assert (result.tier, result.reasons, result.score) == (tier_key, reasons, None)


def test_a_third_complaint_within_30_days_is_major() -> None:
    second = facts(prior_complaints=[NOW - timedelta(days=3)])
    third = facts(prior_complaints=[NOW - timedelta(days=3), NOW - timedelta(days=29)])
    assert classify(CRITERIA, second).tier == "minor"
    assert classify(CRITERIA, third).reasons == ["at least 3 complaints within 30 days"]


def test_the_classification_object_of_the_api() -> None:
    result = classify(
        CRITERIA, facts(channel="hotline_12345", category="service", fields={"amount": 6000})
    )
    assert result == Classification(
        validity="valid",
        validity_reasons=[],
        channel_level="government",
        tier="major",
        score=None,
        reasons=["amount >= 5000"],
        category="service",
    )


def test_an_unknown_channel_has_no_level() -> None:
    assert classify(CRITERIA, facts(channel="fax")).channel_level is None


def test_reasons_in_chinese() -> None:
    result = classify(CRITERIA, facts(locale="zh", customer_anonymous=True))
    assert result.reasons == [
        "无效（匿名）：customer.anonymous",
        "未命中任何等级条件：轻微（默认）",
    ]


def test_an_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="no reasons in locale 'fr'"):
        classify(CRITERIA, facts(locale="fr"))


@pytest.mark.parametrize("name", ["now", "occurred_at"])
def test_naive_times_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be an aware datetime"):
        facts(**{name: datetime(2026, 9, 1, 10)})


# --- validity --------------------------------------------------------------------------


def test_a_ticket_matching_no_invalid_rule_is_valid() -> None:
    result = classify(CRITERIA, facts(occurred_at=NOW - timedelta(days=30)))
    assert (result.validity, result.validity_reasons) == ("valid", [])


def test_every_matching_invalid_rule_is_listed_once_per_reason() -> None:
    result = classify(
        CRITERIA,
        facts(
            kind="appeal",
            customer_anonymous=True,
            has_contact=False,
            occurred_at=datetime(2026, 3, 31, tzinfo=SHANGHAI),
        ),
    )
    assert result.validity == "invalid"
    assert result.validity_reasons == ["anonymous", "no_contact", "too_late"]
    assert result.reasons == [
        "invalid (Anonymous): customer.anonymous",
        "invalid (No contact details): not (has_contact)",
        'invalid (Anonymous): customer.anonymous; kind == "appeal"',
        "invalid (Too late): raised more than 5 months after the event",
        "no tier criterion matched: Minor (default)",
    ]


def test_an_invalid_ticket_still_gets_its_tier() -> None:
    result = classify(CRITERIA, facts(customer_anonymous=True, fields={"personal_injury": True}))
    assert (result.validity, result.tier) == ("invalid", "major")


# --- scoring ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "channel", "tier_key", "score", "reasons"),
    [
        (
            {"amount": 4999},
            "phone",
            "minor",
            0.0,
            ["score 0 is below every threshold: Minor (default)"],
        ),
        (
            {"amount": 5000},
            "phone",
            "important",
            3.0,
            ["Large loss +3", "score 3 >= 2.5: Important"],
        ),
        (
            {"company_fault": True},
            "phone",
            "important",
            2.5,
            ["Our fault +2.5", "score 2.5 >= 2.5: Important"],
        ),
        (
            {"company_fault": True},
            "hotline_12345",
            "minor",
            1.5,
            [
                "Our fault +2.5",
                "Referral -1",
                "score 1.5 is below every threshold: Minor (default)",
            ],
        ),
        (
            {"amount": 5000, "company_fault": True},
            "phone",
            "major",
            5.5,
            ["Large loss +3", "Our fault +2.5", "score 5.5 >= 5: Major"],
        ),
        (
            {"personal_injury": True},
            "phone",
            "major",
            5.0,
            ["Personal injury +5", "score 5 >= 5: Major"],
        ),
        (
            {"personal_injury": True},
            "hotline_12345",
            "important",
            4.0,
            ["Personal injury +5", "Referral -1", "score 4 >= 2.5: Important"],
        ),
    ],
)
def test_scoring_sums_points_and_takes_the_highest_threshold_reached(
    fields: dict[str, object], channel: str, tier_key: str, score: float, reasons: list[str]
) -> None:
    result = classify(SCORED, facts(fields=fields, channel=channel))
    assert (result.tier, result.score, result.reasons) == (tier_key, score, reasons)


def test_scoring_ignores_the_tier_criteria() -> None:
    # company_fault alone makes 'important' by criteria, but only 2.5 points: a
    # threshold of 3 leaves it at the default.
    raised = copy.deepcopy(SCORING)
    raised["thresholds"][0]["min_score"] = 3
    assert classify(compiled(raised), facts(fields={"company_fault": True})).tier == "minor"


def test_decimal_points_reach_a_decimal_threshold() -> None:
    tenths = {
        "rules": [
            {"when": {"flag": "company_fault"}, "points": 0.1, "label": label("a", "a")},
            {"when": {"flag": "personal_injury"}, "points": 0.2, "label": label("b", "b")},
        ],
        "thresholds": [{"tier": "important", "min_score": 0.3}],
    }
    result = classify(
        compiled(tenths), facts(fields={"company_fault": True, "personal_injury": True})
    )
    assert (result.tier, result.score, result.reasons[-1]) == (
        "important",
        0.3,
        "score 0.3 >= 0.3: Important",
    )


def test_scoring_reasons_in_chinese() -> None:
    result = classify(SCORED, facts(locale="zh", fields={"personal_injury": True}))
    assert result.reasons == ["人身伤害 +5", "得分 5 ≥ 5：重大"]


# --- properties ------------------------------------------------------------------------

MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 9, 1), timezones=st.just(SHANGHAI)
)


@st.composite
def any_facts(draw: st.DrawFn) -> TicketFacts:
    fields = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "amount": st.integers(0, 20_000) | st.floats(0, 20_000, allow_nan=False),
                "personal_injury": st.booleans(),
                "company_fault": st.booleans(),
            },
        )
    )
    return facts(
        kind=draw(st.sampled_from(["consultation", "complaint", "appeal"])),
        channel=draw(st.sampled_from(["phone", "hotline_12345", "fax"])),
        customer_anonymous=draw(st.booleans()),
        has_contact=draw(st.booleans()),
        fields=fields,
        occurred_at=draw(st.none() | MOMENTS),
        prior_complaints=draw(st.lists(MOMENTS, max_size=4)),
        locale=draw(st.sampled_from(["en", "zh"])),
    )


@given(any_facts(), st.booleans())
def test_classification_is_deterministic(ticket: TicketFacts, scored: bool) -> None:
    policy = SCORED if scored else CRITERIA
    first = classify(policy, ticket)
    again = classify(compiled(SCORING if scored else None), replace(ticket))
    assert first == again
    assert first.validity == ("invalid" if first.validity_reasons else "valid")


FLAGS = ["personal_injury", "company_fault"]


@st.composite
def scored_policy(draw: st.DrawFn) -> dict[str, Any]:
    """Four tiers, thresholds rising with severity, points (some negative) on facts."""
    scores = sorted(
        draw(st.lists(st.integers(-10, 30), min_size=3, max_size=3, unique=True)), reverse=True
    )
    rules: list[dict[str, Any]] = [
        {"when": {"flag": flag}, "points": draw(st.integers(-5, 10)), "label": label(flag, flag)}
        for flag in FLAGS
    ] + [
        {
            "when": {"field": "amount", "op": ">=", "value": draw(st.integers(0, 10_000))},
            "points": draw(st.integers(-5, 10)),
            "label": label("amount", "金额"),
        },
        {
            "when": {"field": "kind", "op": "==", "value": "appeal"},
            "points": draw(st.integers(-5, 10)),
            "label": label("appeal", "申诉"),
        },
    ]
    return {
        "rules": rules,
        "thresholds": [
            {"tier": key, "min_score": score}
            for key, score in zip(["major", "important", "minor"], scores, strict=True)
        ],
    }


SEVERITY = {"major": 0, "important": 1, "minor": 2, "trivial": 3}


@given(scored_policy(), any_facts(), st.data())
def test_more_points_never_give_a_less_severe_tier(
    scoring: dict[str, Any], ticket: TicketFacts, data: st.DataObject
) -> None:
    document = copy.deepcopy(PROPERTY)
    document["tiers"].append(tier("trivial", "Trivial", "轻微以下"))
    document["default_tier"] = "trivial"
    document["scoring"] = scoring
    before = classify(compile_policy(validate_policy(document)), ticket)

    raised = copy.deepcopy(document)
    rule = data.draw(st.integers(0, len(scoring["rules"]) - 1))
    raised["scoring"]["rules"][rule]["points"] += data.draw(st.integers(1, 20))
    after = classify(compile_policy(validate_policy(raised)), ticket)

    assert after.score is not None and before.score is not None
    assert after.score >= before.score
    assert SEVERITY[after.tier] <= SEVERITY[before.tier]
