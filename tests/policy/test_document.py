"""The policy document: what it accepts, and every problem it reports, with its path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portal.policy.document import (
    FieldSpec,
    InvalidRule,
    PolicyCheck,
    PolicyDocument,
    PolicyInvalid,
    validate_fields,
    validate_policy,
)


def label(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh": zh or en}


def days(amount: float) -> dict[str, Any]:
    return {"amount": amount, "unit": "calendar_days"}


BASE: dict[str, Any] = {
    "schema_version": 1,
    "kinds": ["consultation", "complaint"],
    "fields": [
        {"key": "amount", "label": label("Amount", "金额"), "type": "number", "min": 0},
        {"key": "personal_injury", "label": label("Injury", "人身伤害"), "type": "boolean"},
        {
            "key": "product",
            "label": label("Product", "产品"),
            "type": "choice",
            "choices": [
                {"key": "water", "label": label("Water")},
                {"key": "lift", "label": label("Lift")},
            ],
        },
        {"key": "note", "label": label("Note"), "type": "string", "max_length": 20},
        {"key": "incident_date", "label": label("Incident date"), "type": "date"},
    ],
    "validity_reasons": [{"key": "anonymous", "label": label("Anonymous", "匿名")}],
    "invalid_rules": [{"reason": "anonymous", "when": {"flag": "customer.anonymous"}}],
    "channel_levels": [{"key": "estate", "label": label("Estate")}],
    "channels": [{"key": "phone", "label": label("Phone"), "level": "estate"}],
    "categories": [{"key": "service", "label": label("Service")}],
    "tiers": [
        {
            "key": "major",
            "label": label("Major", "重大"),
            "when": {
                "any": [{"field": "amount", "op": ">=", "value": 5000}, {"flag": "personal_injury"}]
            },
            "milestones": [{"name": "reply", "start": "created", "duration": days(2)}],
            "escalation_target": "general_manager",
        },
        {
            "key": "important",
            "label": label("Important", "重要"),
            "when": {"field": "product", "op": "==", "value": "lift"},
            "milestones": [
                {"name": "forward", "start": "created", "duration": {"amount": 1, "unit": "hours"}}
            ],
            "extension": {"approver_role": "tenant_admin", "max": days(3)},
        },
        {
            "key": "minor",
            "label": label("Minor", "轻微"),
            "milestones": [
                {
                    "name": "resolve",
                    "start": "created",
                    "duration": {"amount": 1, "unit": "requested"},
                    "default": days(2),
                    "pausable": True,
                }
            ],
        },
    ],
    "default_tier": "minor",
    "escalation_chain": [{"key": "general_manager", "label": label("GM"), "role": "tenant_admin"}],
    "callback": {"after": {"amount": 1, "unit": "hours"}, "within": days(3)},
}


ONE_OF = (
    "a condition is an object with exactly one of: "
    "field, flag, all, any, not, occurred_more_than, repeats"
)


def doc() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def problems(
    document: dict[str, Any], model: type[PolicyDocument] = PolicyDocument
) -> dict[str, str]:
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy(document, model)
    found = {p.path: p.message for p in raised.value.problems}
    assert len(found) == len(raised.value.problems), "one problem per path expected here"
    return found


def test_the_base_document_is_valid_and_round_trips() -> None:
    policy = validate_policy(doc())
    assert [t.key for t in policy.tiers] == ["major", "important", "minor"]
    assert policy.warn_at_share == 0.8
    dumped = policy.model_dump()
    assert dumped["tiers"][0]["when"] == {
        "any": [
            {"field": "amount", "op": ">=", "value": 5000, "label": None},
            {"flag": "personal_injury", "label": None},
        ],
        "label": None,
    }
    assert validate_policy(dumped) == policy


def test_numbers_keep_their_json_type() -> None:
    policy = validate_policy(doc())
    amount = policy.tiers[0].milestones[0].duration.amount
    assert amount == 2 and type(amount) is int


def test_three_mistakes_give_three_problems_with_their_paths() -> None:
    document = doc()
    document["tiers"][1]["milestones"][0]["duration"]["amount"] = 0  # shape
    document["channels"][0]["level"] = "head_office"  # reference
    document["invalid_rules"][0]["when"] = {"field": "amont", "op": ">", "value": 1}  # criterion
    assert problems(document) == {
        "tiers[1].milestones[0].duration.amount": "must be greater than 0",
        "channels[0].level": "'head_office' is not among the channel_levels (estate)",
        "invalid_rules[0].when.field": (
            "'amont' is neither a field of this policy nor a built-in fact"
        ),
    }


def test_a_malformed_item_still_counts_as_existing_for_references() -> None:
    document = doc()
    document["tiers"][2]["label"] = {"en": "Minor"}  # zh missing: tiers[2] is malformed
    document["tiers"][0]["escalation_target"] = "ceo"
    # default_tier 'minor' names the malformed tier: no second, misleading problem.
    assert problems(document) == {
        "tiers[2].label.zh": "is required",
        "tiers[0].escalation_target": "'ceo' is not among the escalation_chain (general_manager)",
    }


def test_a_malformed_required_value_stops_the_cross_checks_without_crashing() -> None:
    document = doc()
    document["default_tier"] = 3
    document["channels"][0]["level"] = "nowhere"
    assert problems(document) == {"default_tier": "Input should be a valid string"}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["tiers"][0]["label"].update(zh="  "),
            "tiers[0].label.zh",
            "String should have at least 1 character",
        ),
        (
            lambda d: d["tiers"][0].update(key="Major"),
            "tiers[0].key",
            "must be 1-63 lowercase letters, digits or underscores",
        ),
        (
            lambda d: d["tiers"][0].update(lable="x"),
            "tiers[0].lable",
            "is not a known setting (check the spelling)",
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0]["duration"].update(amount="2"),
            "tiers[0].milestones[0].duration.amount",
            "must be a number",
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0]["duration"].update(amount=1.5),
            "tiers[0].milestones[0].duration.amount",
            "calendar_days are counted in whole numbers",
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0]["duration"].update(unit="weeks"),
            "tiers[0].milestones[0].duration.unit",
            "Input should be 'minutes', 'hours', 'business_hours', 'calendar_days', "
            "'working_days', 'end_of_business_day' or 'requested'",
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0].update(start="opened"),
            "tiers[0].milestones[0].start",
            "Input should be 'created', 'accepted', 'classified', 'escalated', "
            "'resolved' or 'replied'",
        ),
        (
            lambda d: d["tiers"][2]["milestones"][0].pop("default"),
            "tiers[2].milestones[0].default",
            "a requested deadline needs a default duration",
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0].update(default=days(1)),
            "tiers[0].milestones[0].default",
            "only a requested deadline has a default",
        ),
        (
            lambda d: d["tiers"][1]["extension"]["max"].update(unit="requested"),
            "tiers[1].extension.max.unit",
            "'requested' only applies to a milestone's duration",
        ),
        (
            lambda d: d.update(warn_at_share=1),
            "warn_at_share",
            "must be between 0 and 1 (exclusive)",
        ),
        (lambda d: d.update(schema_version=2), "schema_version", "Input should be 1"),
        (
            lambda d: d.update(kinds=["complaint", "grievance"]),
            "kinds[1]",
            "Input should be 'inquiry', 'consultation', 'fault', 'complaint' or 'appeal'",
        ),
        (lambda d: d.pop("tiers"), "tiers", "is required"),
        (
            lambda d: d.update(requested_deadline_may_lengthen="yes"),
            "requested_deadline_may_lengthen",
            "Input should be a valid boolean",
        ),
    ],
)
def test_shape_and_value_problems(change: Any, path: str, message: str) -> None:
    document = doc()
    change(document)
    assert problems(document) == {path: message}


@pytest.mark.parametrize(
    ("when", "path", "message"),
    [
        (
            "amount >= 5000",
            "tiers[1].when",
            ONE_OF,
        ),
        (
            {"feild": "amount"},
            "tiers[1].when",
            ONE_OF,
        ),
        (
            {"field": "amount", "op": "=>", "value": 1},
            "tiers[1].when.op",
            "Input should be '==', '!=', '<', '<=', '>', '>=', 'in', 'not_in' or 'contains'",
        ),
        (
            {"field": "amount", "op": "in", "value": 5000},
            "tiers[1].when.value",
            "'in' needs a non-empty list of values",
        ),
        (
            {"field": "amount", "op": ">=", "value": [1, 2]},
            "tiers[1].when.value",
            "'>=' compares with one value, not a list",
        ),
        (
            {"field": "amount", "op": ">=", "value": None},
            "tiers[1].when.value",
            "must be a string, number, boolean or a list of them",
        ),
        (
            {"field": "note", "op": "contains", "value": ""},
            "tiers[1].when.value",
            "'contains' needs non-empty text",
        ),
        (
            {"all": []},
            "tiers[1].when.all",
            "List should have at least 1 item after validation, not 0",
        ),
        (
            {"not": {"flag": "personal_injury"}, "flag": "x"},
            "tiers[1].when",
            ONE_OF,
        ),
        (
            {"flag": "personal_injury", "lable": "x"},
            "tiers[1].when.lable",
            "is not a known setting (check the spelling)",
        ),
        (
            {"occurred_more_than": {"amount": 5, "unit": "weeks"}},
            "tiers[1].when.occurred_more_than.unit",
            "Input should be 'days', 'months' or 'years'",
        ),
        (
            {"repeats": {"at_least": 1, "within_days": 30}},
            "tiers[1].when.repeats.at_least",
            "Input should be greater than or equal to 2",
        ),
        (
            {"any": [{"flag": "personal_injury"}, {"field": "amount", "op": "<", "value": True}]},
            "tiers[1].when.any[1].value",
            "True is not a number for 'amount'",
        ),
        (
            {"field": "ammount", "op": ">=", "value": 1},
            "tiers[1].when.field",
            "'ammount' is neither a field of this policy nor a built-in fact",
        ),
        ({"flag": "amount"}, "tiers[1].when.flag", "'amount' is a number field, not a flag"),
        (
            {"field": "personal_injury", "op": ">=", "value": True},
            "tiers[1].when.op",
            "'>=' does not apply to boolean 'personal_injury' (use !=, ==)",
        ),
        (
            {"field": "product", "op": "contains", "value": "l"},
            "tiers[1].when.op",
            "'contains' does not apply to choice 'product' (use !=, ==, in, not_in)",
        ),
        (
            {"field": "amount", "op": ">=", "value": "5000"},
            "tiers[1].when.value",
            "'5000' is not a number for 'amount'",
        ),
        (
            {"field": "product", "op": "in", "value": ["lift", "gas"]},
            "tiers[1].when.value",
            "'gas' is not a choice (water, lift) for 'product'",
        ),
        (
            {"field": "channel", "op": "==", "value": "email"},
            "tiers[1].when.value",
            "'email' is not a choice (phone) for 'channel'",
        ),
        (
            {"field": "kind", "op": "==", "value": "appeal"},
            "tiers[1].when.value",
            "'appeal' is not a choice (consultation, complaint) for 'kind'",
        ),
        (
            {"field": "incident_date", "op": "<", "value": "2026-13-01"},
            "tiers[1].when.value",
            "'2026-13-01' is not a date written YYYY-MM-DD for 'incident_date'",
        ),
        (
            {"not": {"flag": "has_kontakt"}},
            "tiers[1].when.not.flag",
            "'has_kontakt' is neither a field of this policy nor a built-in fact",
        ),
    ],
)
def test_condition_problems(when: Any, path: str, message: str) -> None:
    document = doc()
    document["tiers"][1]["when"] = when
    assert problems(document) == {path: message}


@pytest.mark.parametrize(
    "when",
    [
        {"field": "amount", "op": "not_in", "value": [0, 1.5]},
        {"field": "note", "op": "contains", "value": "leak"},
        {"field": "incident_date", "op": ">=", "value": "2026-01-01"},
        {"field": "channel_level", "op": "==", "value": "estate"},
        {"field": "category", "op": "!=", "value": "service"},
        {"field": "repeat_count", "op": ">=", "value": 2},
        {"flag": "has_contact", "label": label("reachable", "可联系")},
        {
            "all": [
                {"not": {"flag": "customer.anonymous"}},
                {"repeats": {"at_least": 2, "within_days": 30}},
            ]
        },
        {"occurred_more_than": {"amount": 5, "unit": "months"}},
    ],
)
def test_conditions_on_declared_and_built_in_facts_are_accepted(when: dict[str, Any]) -> None:
    document = doc()
    document["tiers"][1]["when"] = when
    assert validate_policy(document).tiers[1].when is not None


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (
            lambda d: d["tiers"].append(copy.deepcopy(d["tiers"][0])),
            {"tiers[3].key": "'major' is used twice"},
        ),
        (
            lambda d: d["fields"].append({"key": "kind", "label": label("Kind"), "type": "string"}),
            {"fields[5].key": "'kind' is a built-in fact"},
        ),
        (
            lambda d: d.update(kinds=["complaint", "complaint"]),
            {"kinds[1]": "'complaint' is used twice"},
        ),
        (
            lambda d: d.update(default_tier="mnior"),
            {"default_tier": "'mnior' is not among the tiers (major, important, minor)"},
        ),
        (
            lambda d: d["invalid_rules"][0].update(reason="anon"),
            {"invalid_rules[0].reason": "'anon' is not among the validity_reasons (anonymous)"},
        ),
        (
            lambda d: d["tiers"][0]["milestones"][0].update(kinds=["appeal"]),
            {
                "tiers[0].milestones[0].kinds[0]": (
                    "'appeal' is not among the kinds (consultation, complaint)"
                )
            },
        ),
        (
            lambda d: d["fields"][2]["choices"].append({"key": "water", "label": label("W")}),
            {"fields[2].choices[2].key": "'water' is used twice"},
        ),
        (
            lambda d: d["fields"][0].update(max_length=3),
            {"fields[0].max_length": "only string fields have a max_length"},
        ),
        (
            lambda d: d["fields"][3].update(min=1),
            {"fields[3].min": "only number and integer fields have a min"},
        ),
        (lambda d: d["fields"][0].update(max=-1), {"fields[0].max": "must not be below min (0)"}),
        (
            lambda d: d["fields"][2].update(choices=[]),
            {"fields[2].choices": "a choice field needs at least one choice"},
        ),
    ],
)
def test_cross_field_and_option_problems(change: Any, found: dict[str, str | None]) -> None:
    document = doc()
    change(document)
    expected = {path: message for path, message in found.items() if message is not None}
    assert problems(document) == expected


def test_a_milestone_name_may_repeat_only_for_other_kinds() -> None:
    document = doc()
    reply = document["tiers"][0]["milestones"][0]
    document["tiers"][0]["milestones"] = [
        {**reply, "kinds": ["complaint"]},
        {**reply, "kinds": ["consultation"], "duration": days(5)},
    ]
    validate_policy(document)
    document["tiers"][0]["milestones"].append({**reply})  # all kinds: overlaps both
    assert problems(document) == {
        "tiers[0].milestones[2].name": "'reply' is already set for the same kinds of ticket"
    }


def scoring(*thresholds: tuple[str, float]) -> dict[str, Any]:
    return {
        "rules": [{"when": {"flag": "personal_injury"}, "points": 5, "label": label("Injury")}],
        "thresholds": [{"tier": tier, "min_score": score} for tier, score in thresholds],
    }


def test_scoring_thresholds_must_rise_with_severity() -> None:
    document = doc()
    document["scoring"] = scoring(("major", 5), ("important", 3))
    validate_policy(document)
    document["scoring"] = scoring(("important", 5), ("major", 5))
    assert problems(document) == {
        "scoring.thresholds[1].min_score": (
            "'major' is more severe than 'important', so it needs a min_score above 5"
        )
    }


def test_scoring_thresholds_name_tiers_once() -> None:
    document = doc()
    document["scoring"] = scoring(("major", 5), ("major", 8), ("majr", 9))
    assert problems(document) == {
        "scoring.thresholds[1].tier": "'major' is used twice",
        "scoring.thresholds[2].tier": "'majr' is not among the tiers (major, important, minor)",
    }


def test_with_scoring_the_default_tier_is_the_least_severe_reached() -> None:
    document = doc()
    document["scoring"] = scoring(("important", 5))
    document["default_tier"] = "major"
    assert problems(document) == {
        "default_tier": (
            "with scoring the default tier applies below every threshold, "
            "so it cannot be more severe than 'important'"
        )
    }


def test_policy_invalid_message_lists_every_problem() -> None:
    document = doc()
    document["default_tier"] = "x"
    document["channels"][0]["level"] = "y"
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy(document)
    text = str(raised.value)
    assert "default_tier: 'x' is not among the tiers" in text
    assert "channels[0].level: 'y' is not among the channel_levels" in text


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy([])  # type: ignore[call-overload]
    assert [(p.path, p.message) for p in raised.value.problems] == [
        ("", "Input should be a valid dictionary or instance of PolicyDocument")
    ]


# --- a sector's own schema --------------------------------------------------------------


class AppealCentrePolicy(PolicyDocument):
    """A sector adding options: rules that make an appeal inadmissible."""

    inadmissible: list[InvalidRule] = []
    acceptance_working_days: int = 5

    def cross_check(self, check: PolicyCheck) -> None:
        super().cross_check(check)
        for i, rule in enumerate(self.inadmissible):
            check.refers(rule.reason, "validity_reasons", ("inadmissible", i, "reason"))
            check.condition(rule.when, ("inadmissible", i, "when"))


def test_a_sector_subclass_validates_its_options_and_keeps_the_base_checks() -> None:
    document = doc()
    document["inadmissible"] = [
        {"reason": "anonymous", "when": {"occurred_more_than": {"amount": 5, "unit": "months"}}}
    ]
    policy = validate_policy(document, AppealCentrePolicy)
    assert isinstance(policy, AppealCentrePolicy)
    assert policy.inadmissible[0].reason == "anonymous"

    document["inadmissible"].append(
        {"reason": "late", "when": {"field": "fee", "op": ">", "value": 0}}
    )
    document["acceptance_working_days"] = "5"
    document["default_tier"] = "none"
    assert problems(document, AppealCentrePolicy) == {
        "acceptance_working_days": "Input should be a valid integer",
        "inadmissible[1].reason": "'late' is not among the validity_reasons (anonymous)",
        "inadmissible[1].when.field": "'fee' is neither a field of this policy nor a built-in fact",
        "default_tier": "'none' is not among the tiers (major, important, minor)",
    }


def test_the_base_model_rejects_a_sector_option() -> None:
    document = doc()
    document["acceptance_working_days"] = 5
    assert problems(document) == {
        "acceptance_working_days": "is not a known setting (check the spelling)"
    }


# --- ticket fields ----------------------------------------------------------------------

SPECS = [FieldSpec.model_validate(spec) for spec in BASE["fields"]] + [
    FieldSpec.model_validate(
        {"key": "units", "label": label("Units"), "type": "integer", "required": True, "max": 10}
    )
]


def test_valid_ticket_fields_have_no_problems() -> None:
    values = {
        "amount": 12.5,
        "personal_injury": False,
        "product": "lift",
        "note": "leak",
        "incident_date": "2026-09-01",
        "units": 3,
    }
    assert validate_fields(values, SPECS) == {}
    assert validate_fields({"units": 1, "amount": None, "note": ""}, SPECS) == {}


def test_ticket_field_problems_are_reported_per_field() -> None:
    values = {
        "amount": -1,
        "personal_injury": "no",
        "product": "gas",
        "note": "x" * 21,
        "incident_date": "2026-9-1",
        "colour": "red",
    }
    assert validate_fields(values, SPECS) == {
        "amount": "must be at least 0",
        "personal_injury": "must be true or false",
        "product": "must be one of: water, lift",
        "note": "must be at most 20 characters",
        "incident_date": "must be a date written YYYY-MM-DD",
        "colour": "unknown field",
        "units": "is required",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number"),
        ("3", "must be a number"),
        (2.5, "must be a whole number"),
        (11, "must be at most 10"),
        (float("nan"), "must be a finite number"),
        ("  ", "is required"),
    ],
)
def test_integer_field_problems(value: object, message: str) -> None:
    assert validate_fields({"units": value}, SPECS) == {"units": message}
