"""The banking and insurance sector's default policy, rule by rule.

Each test names the rule it checks and cites its source: "order" is 银行业保险业消费投诉
处理管理办法 (CBIRC order 2020 No.3); "2007 notice" is the CBRC notice in seed 001;
"Across sectors" and "Counting time" are sections of sector-rules.md. Tickets go
through the public engine: validate_policy, compile_policy, classify and compute_due,
on the 2026 (official) and 2027 (provisional) statutory calendars.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.banking as banking
from plugins.banking.demo import demo_tickets
from plugins.banking.facts import derived_facts
from plugins.banking.model import BankingPolicy
from plugins.banking.policy import default_policy
from plugins.banking.presets import PRESETS
from portal.hookspecs import PolicyPreset
from portal.plugins import build_registry
from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.classify import Classification, TicketFacts, classify, compile_policy
from portal.policy.deadlines import Due, Duration, Unit, compute_due
from portal.policy.document import PolicyInvalid, validate_fields, validate_policy
from portal.workflow.intake import TicketIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIER_KEYS = ["major", "escalated", "complex", "ordinary"]


@cache
def calendar() -> WorkingCalendar:
    """2026 as published; 2027 as the library extrapolates it (provisional)."""
    years = (statutory_year_from_library(2026), statutory_year_from_library(2027))
    return WorkingCalendar(years, time_zone="Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def validated(document: Mapping[str, Any] | None = None) -> BankingPolicy:
    return validate_policy(default_policy() if document is None else document, BankingPolicy)


def classified(
    document: Mapping[str, Any] | None = None,
    *,
    kind: str = "complaint",
    channel: str = "hotline",
    now: datetime | None = None,
    anonymous: bool = False,
    has_contact: bool = True,
    **fields: Any,
) -> Classification:
    """Classify a ticket as intake does: the sector's derived facts join its fields."""
    now = now or sh(2026, 9, 1, 10)
    facts = TicketFacts(
        kind=kind,
        channel=channel,
        now=now,
        customer_anonymous=anonymous,
        has_contact=has_contact,
        fields={**fields, **derived_facts(fields, kind, now)},
    )
    return classify(compile_policy(validated(document)), facts)


def milestone(document: BankingPolicy, tier: str, name: str) -> Any:
    rules = next(t for t in document.tiers if t.key == tier).milestones
    return next(m for m in rules if m.name == name)


def due(
    tier: str,
    name: str,
    start: datetime,
    document: Mapping[str, Any] | None = None,
    *,
    requested: datetime | None = None,
    paused: Sequence[tuple[datetime, datetime]] = (),
) -> Due:
    """When milestone ``name`` of ``tier`` falls due for a ticket started at ``start``."""
    policy = validated(document)
    rule = milestone(policy, tier, name)
    default = rule.default
    return compute_due(
        start,
        Duration(rule.duration.amount, Unit(rule.duration.unit)),
        calendar(),
        requested_due_at=requested,
        requested_may_lengthen=policy.requested_deadline_may_lengthen,
        default=Duration(default.amount, Unit(default.unit)) if default else None,
        paused=paused if rule.pausable else (),
    )


def local_due(*args: Any, **kwargs: Any) -> datetime:
    return due(*args, **kwargs).due_at.astimezone(SHANGHAI)


def labels(node: object, path: str = "") -> Iterator[tuple[str, object]]:
    """Every ``label`` in the document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "label":
                yield path, value
            yield from labels(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from labels(item, f"{path}[{i}]")


# --- the document and the plugin contract -----------------------------------------------


def test_default_policy_validates_with_the_sector_model() -> None:
    """order 2020 No.3 as data: the default passes the sector's own schema."""
    policy = validated()
    assert isinstance(policy, BankingPolicy)
    assert [t.key for t in policy.tiers] == TIER_KEYS
    assert policy.default_tier == "ordinary"


def test_every_label_has_en_and_zh() -> None:
    """design.md: labels in en and zh everywhere, on every keyed item and milestone."""
    document = default_policy()
    found = list(labels(document))
    assert len(found) > 80
    for path, value in found:
        assert isinstance(value, dict) and set(value) == {"en", "zh"}, path
        assert value["en"].strip() and value["zh"].strip(), path
    for section in ("fields", "validity_reasons", "channel_levels", "channels", "categories"):
        assert all("label" in item for item in document[section]), section
    for tier in document["tiers"]:
        assert "label" in tier
        assert all("label" in m for m in tier["milestones"]), tier["key"]
    for level in document["escalation_chain"]:
        assert "label" in level


def test_default_policy_is_a_fresh_copy_each_time() -> None:
    """The hook's answer is the caller's to change (a tenant's first version)."""
    first = default_policy()
    first["tiers"].clear()
    assert default_policy()["tiers"]


def test_sector_info_names_the_sector_in_both_languages() -> None:
    """design.md, plugin contract: the key, names in en and zh, the version."""
    info = banking.sector_info()
    assert (info.key, info.name_en, info.name_zh) == (
        "banking",
        "Banking and insurance",
        "银行业保险业",
    )
    assert info.version == banking.__version__ == "1.0.0"


def test_hooks_answer_through_the_entry_point() -> None:
    """hookspecs.py: the core finds the sector through the entry point and calls its hooks
    with keyword arguments."""
    registry = build_registry()
    assert registry.get("banking").source.endswith("(entry point)")
    assert registry.call("banking", "sector_info").key == "banking"
    model = registry.call("banking", "sector_policy_model")
    assert model is BankingPolicy
    document = registry.call("banking", "sector_default_policy")
    assert validate_policy(document, model).default_tier == "ordinary"
    facts = registry.call(
        "banking",
        "sector_derived_facts",
        fields={"decision_received_on": "2026-06-01"},
        kind="appeal",
        occurred_at=None,
        now=sh(2026, 7, 2),
        timezone="Asia/Shanghai",
    )
    assert facts == {"review_request_late": True}
    presets = registry.call("banking", "sector_policy_presets")
    assert [p.key for p in presets] == ["cbrc_2012_working_days", "order_tiers_only"]
    tickets = registry.call("banking", "sector_demo_tickets", now=sh(2026, 11, 20, 9), count=3)
    assert len(tickets) == 3


# --- kinds, channels, categories, fields ----------------------------------------------------


def test_kinds_are_inquiry_consultation_complaint_and_review_request() -> None:
    """order art 2 (the complaint), art 20 (the review request, an appeal); design.md kinds.
    Banks take no fault reports."""
    assert validated().kinds == ["inquiry", "consultation", "complaint", "appeal"]


@pytest.mark.parametrize(
    ("channel", "level"),
    [
        ("counter", "branch"),
        ("visit", "branch"),
        ("branch_phone", "branch"),
        ("letter", "branch"),
        ("hotline", "head_office"),
        ("online", "head_office"),
        ("email", "head_office"),
        ("hq_referral", "head_office"),
        ("regulator", "regulator"),
        ("association", "external"),
        ("media", "external"),
    ],
)
def test_channel_levels_follow_where_the_complaint_entered(channel: str, level: str) -> None:
    """order arts 10, 12 (published channels, face-to-face reception); 2007 notice art 12."""
    assert classified(channel=channel).channel_level == level


def test_categories_are_the_statistics_of_the_2007_notice() -> None:
    """2007 notice art 7 (seed 001): by product, service, channel, staff behaviour, internal
    management and financial crime."""
    assert [c.key for c in validated().categories] == [
        "product",
        "service",
        "channel",
        "staff_behaviour",
        "internal_management",
        "financial_crime",
    ]


def test_group_intake_at_most_five_representatives() -> None:
    """order art 12: a group complaining face to face chooses at most 5 representatives."""
    fields = validated().fields
    assert validate_fields({"representatives": 5, "complainants": 30}, fields) == {}
    assert validate_fields({"representatives": 6}, fields) == {
        "representatives": "must be at most 5"
    }


def test_ticket_fields_are_checked() -> None:
    """design.md: the sector's fields are validated (amounts, products, dates, flags)."""
    fields = validated().fields
    good = {
        "product": "life_insurance",
        "amount": 0,
        "complainant_role": "heir",
        "decision_received_on": "2026-10-08",
        "complex_case": False,
        "staff_complained_about": "柜员李某",
    }
    assert validate_fields(good, fields) == {}
    bad = {"product": "stocks", "amount": -1, "decision_received_on": "2026-13-01", "x": 1}
    assert set(validate_fields(bad, fields)) == {"product", "amount", "decision_received_on", "x"}


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["consumer", "legal_representative", "authorised_agent", "heir"])
def test_handled_when_raised_by_the_consumer_a_representative_an_agent_or_an_heir(
    role: str,
) -> None:
    """order arts 14, 18: the consumer, a legal representative, an authorised agent or an
    heir may complain."""
    result = classified(complainant_role=role)
    assert (result.validity, result.validity_reasons) == ("valid", [])


def test_not_handled_when_raised_by_someone_else() -> None:
    """order art 18 (last para): not raised by the complainant, a legal representative or
    an agent: not handled."""
    result = classified(complainant_role="other")
    assert result.validity == "invalid"
    assert result.validity_reasons == ["not_consumer_or_agent"]


def test_anonymous_complaint_is_invalid() -> None:
    """order art 13 (identity may be required) with art 18 (who raised it is checked)."""
    result = classified(anonymous=True, has_contact=False, channel="online")
    assert result.validity_reasons == ["anonymous", "no_contact"]


def test_no_contact_is_invalid_except_for_a_letter() -> None:
    """order art 13 (contact details) and art 18 (the decision is told to the complainant);
    a letter carries a postal address."""
    assert classified(has_contact=False, channel="online").validity_reasons == ["no_contact"]
    assert classified(has_contact=False, channel="letter").validity == "valid"


def test_not_a_consumer_dispute_is_invalid() -> None:
    """order arts 2, 11: a dispute over the institution's own product or service."""
    result = classified(outside_scope=True)
    assert result.validity_reasons == ["not_consumer_dispute"]
    assert classified(outside_scope=False).validity == "valid"


@pytest.mark.parametrize(
    ("received", "last_valid"),
    [
        # day 30 is Wed 2026-07-01: the window ends at its 24:00 (Civil Code arts 201, 1259)
        (date(2026, 6, 1), sh(2026, 7, 1, 23, 59)),
        # day 30 is 2026-10-01, National Day: the window runs to Thu 10-08 (art 203)
        (date(2026, 9, 1), sh(2026, 10, 8, 23, 59)),
        (date(2026, 9, 7), sh(2026, 10, 8, 23, 59)),
        # day 30 is Sat 2026-10-10, a make-up working day: no extension past it
        (date(2026, 9, 10), sh(2026, 10, 10, 23, 59)),
        # day 30 is Sun 2026-02-15, Spring Festival: the window runs to Tue 02-24
        (date(2026, 1, 16), sh(2026, 2, 24, 23, 59)),
        # day 30 is Sat 2026-02-14, a make-up working day
        (date(2026, 1, 15), sh(2026, 2, 14, 23, 59)),
        # day 30 is Sat 2026-02-28, a make-up working day
        (date(2026, 1, 29), sh(2026, 2, 28, 23, 59)),
    ],
)
def test_review_requested_within_30_days_of_receiving_the_decision(
    received: date, last_valid: datetime
) -> None:
    """order art 20: a review within 30 days of receiving the decision; Counting time:
    Civil Code arts 201, 203, 1259 on the statutory calendar."""
    fields: dict[str, Any] = {
        "decision_received_on": received.isoformat(),
        "original_decision_by": "branch",
    }
    on_time = classified(kind="appeal", now=last_valid, **fields)
    assert (on_time.validity, on_time.validity_reasons) == ("valid", [])
    late = classified(kind="appeal", now=last_valid + timedelta(minutes=1), **fields)
    assert late.validity_reasons == ["review_too_late"]


def test_review_window_only_judges_review_requests() -> None:
    """order art 20 concerns review requests: a complaint quoting an old decision stays valid."""
    old: dict[str, Any] = {"decision_received_on": "2026-01-05"}
    assert classified(kind="complaint", now=sh(2026, 9, 1), **old).validity == "valid"
    assert classified(kind="appeal", now=sh(2026, 9, 1), **old).validity == "invalid"


def test_review_request_late_is_a_declared_derived_fact() -> None:
    """sector_derived_facts: the fact is declared, absent without a date, and no field may
    take its name."""
    assert validated().fact_types()["review_request_late"] == "boolean"
    received = {"decision_received_on": "2026-09-01"}
    assert derived_facts({}, "appeal", sh(2026, 9, 1)) == {}
    assert derived_facts(received, "complaint", sh(2026, 10, 30)) == {}
    assert derived_facts(received, "appeal", sh(2026, 9, 1)) == {"review_request_late": False}
    assert derived_facts(received, "appeal", sh(2026, 10, 30)) == {"review_request_late": True}
    document = default_policy()
    document["fields"].append(
        {"key": "review_request_late", "label": {"en": "x", "zh": "x"}, "type": "boolean"}
    )
    with pytest.raises(PolicyInvalid, match="review_request_late"):
        validated(document)


def test_review_of_a_head_office_decision_is_not_available() -> None:
    """order art 20: only a branch's decision goes to its superior institution."""
    fields: dict[str, Any] = {"decision_received_on": "2026-08-25"}
    result = classified(kind="appeal", original_decision_by="head_office", **fields)
    assert result.validity_reasons == ["review_not_available"]
    assert classified(kind="appeal", original_decision_by="branch", **fields).validity == "valid"


def test_review_of_a_head_office_decision_is_refused_at_intake() -> None:
    """order art 20 as intake classifies it (portal.workflow.intake passes TicketIn.kind)."""
    body = TicketIn.model_validate(
        {
            "kind": "appeal",
            "channel": "email",
            "subject": "核查申请",
            "fields": {"original_decision_by": "head_office"},
        }
    )
    facts = TicketFacts(
        kind=body.kind,
        channel=body.channel,
        now=sh(2026, 9, 1, 10),
        customer_anonymous=False,
        has_contact=True,
        fields=body.fields,
    )
    assert classify(compile_policy(validated()), facts).validity_reasons == ["review_not_available"]


# --- tiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("event", ["natural_disaster", "safety_accident", "public_health_event"])
def test_major_when_caused_by_a_disaster_an_accident_or_a_public_health_event(event: str) -> None:
    """order art 29(1)."""
    result = classified(triggering_event=event)
    assert result.tier == "major"
    assert result.reasons == [
        "caused by a natural disaster, safety accident or public-health event"
    ]


@pytest.mark.parametrize(
    ("channel", "complainants", "tier"),
    [
        ("counter", 19, "ordinary"),
        ("counter", 20, "major"),
        ("visit", 20, "major"),
        ("visit", 250, "major"),
        # 20 complainants, but not face to face
        ("hotline", 20, "ordinary"),
        ("online", 25, "ordinary"),
    ],
)
def test_major_when_20_or_more_complain_together_face_to_face(
    channel: str, complainants: int, tier: str
) -> None:
    """order art 29(2); Across sectors (batch complaint: banking makes 20+ face to face major)."""
    assert classified(channel=channel, complainants=complainants).tier == tier


def test_major_when_designated_by_the_regulator() -> None:
    """order art 29(3): designation outranks the referral that carried it."""
    result = classified(channel="regulator", regulator_designated_major=True)
    assert result.tier == "major"
    assert result.reasons == ["designated major by the regulator"]


@pytest.mark.parametrize(
    ("channel", "fields"),
    [
        ("regulator", {}),
        ("association", {}),
        ("media", {}),
        ("hq_referral", {}),
        ("hotline", {"over_the_head": True}),
    ],
)
def test_escalated_when_referred_down_or_over_the_handlers_head(
    channel: str, fields: dict[str, Any]
) -> None:
    """Across sectors (escalated complaint 升级投诉): it raises the tier."""
    assert classified(channel=channel, **fields).tier == "escalated"


def test_complex_when_facts_are_unclear_or_the_dispute_is_not_simple() -> None:
    """order art 18: complex cases may take up to 30 days."""
    assert classified(complex_case=True).tier == "complex"
    assert classified(complex_case=False).tier == "ordinary"


def test_ordinary_is_the_default_tier() -> None:
    """order art 18: facts clear and the dispute simple, 15 days."""
    result = classified()
    assert result.tier == "ordinary"
    assert result.reasons == ["no tier criterion matched: Ordinary complaint (default)"]


def test_tiers_are_tried_most_severe_first() -> None:
    """order art 29 before art 18: a complex disaster complaint from the regulator is major."""
    result = classified(channel="regulator", complex_case=True, triggering_event="natural_disaster")
    assert result.tier == "major"
    assert classified(channel="regulator", complex_case=True).tier == "escalated"


def test_reasons_are_given_in_chinese_too() -> None:
    """design.md: labels en + zh; the zh reasons come from the zh labels."""
    facts = TicketFacts(
        kind="complaint",
        channel="visit",
        now=sh(2026, 9, 1, 10),
        customer_anonymous=False,
        has_contact=True,
        fields={"complainants": 20},
        locale="zh",
    )
    result = classify(compile_policy(validated()), facts)
    assert result.reasons == ["20名以上投诉人采取面谈方式共同投诉"]


# --- deadlines ----------------------------------------------------------------------------


def test_decision_within_15_days_of_receipt() -> None:
    """order art 18; Civil Code art 201: the day of receipt does not count, day 15 does."""
    received = sh(2026, 3, 2, 10)  # Monday
    assert local_due("ordinary", "decision", received) == sh(2026, 3, 18)
    result = due("ordinary", "decision", received)
    assert not result.provisional
    assert sh(2026, 3, 17, 23, 59) < result.due_at


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # day 15 = 10-05 (National Day) -> next working day Thu 10-08
        (sh(2026, 9, 20, 9), sh(2026, 10, 9)),
        # day 15 = 10-07, the last holiday -> 10-08
        (sh(2026, 9, 22, 16), sh(2026, 10, 9)),
        # day 15 = 10-08, a working day
        (sh(2026, 9, 23, 10), sh(2026, 10, 9)),
        # day 15 = Sat 10-10, a make-up working day: not moved to Monday
        (sh(2026, 9, 25, 10), sh(2026, 10, 11)),
        # day 15 = Sun 10-11, an ordinary weekend -> Mon 10-12
        (sh(2026, 9, 26, 10), sh(2026, 10, 13)),
        # day 15 = Sun 02-15, Spring Festival -> Tue 02-24
        (sh(2026, 1, 31, 10), sh(2026, 2, 25)),
        # day 15 = Sat 02-14, a make-up working day
        (sh(2026, 1, 30, 10), sh(2026, 2, 15)),
        # day 15 = Sat 02-28, a make-up working day
        (sh(2026, 2, 13, 10), sh(2026, 3, 1)),
    ],
)
def test_decision_deadline_on_a_rest_day_moves_to_the_next_working_day(
    received: datetime, expected: datetime
) -> None:
    """order art 18 with Civil Code art 203 on the 2026 statutory calendar."""
    assert local_due("ordinary", "decision", received) == expected


def test_complex_decision_within_30_days() -> None:
    """order art 18: complex, up to 30 days; day 30 = 10-01 -> Thu 10-08."""
    assert local_due("complex", "decision", sh(2026, 9, 1, 10)) == sh(2026, 10, 9)
    assert local_due("complex", "decision", sh(2026, 3, 2, 10)) == sh(2026, 4, 2)


def test_major_decision_keeps_the_15_days() -> None:
    """order art 29 adds an emergency plan and a report, not a different deadline (art 18)."""
    assert local_due("major", "decision", sh(2026, 3, 2, 10)) == sh(2026, 3, 18)


def test_decision_reaching_into_2027_is_provisional() -> None:
    """Counting time: the 2027 schedule is not published; such a deadline is provisional."""
    result = due("ordinary", "decision", sh(2026, 12, 20, 10))
    assert result.due_at.astimezone(SHANGHAI) == sh(2027, 1, 5)
    assert result.provisional
    assert not due("ordinary", "decision", sh(2026, 12, 1, 10)).provisional


def test_decision_clock_stops_for_appraisal_or_mediation() -> None:
    """order art 18 (external appraisal, testing, valuation) and art 23 (mediation)."""
    received = sh(2026, 3, 2, 10)
    appraisal = [(sh(2026, 3, 5, 9), sh(2026, 3, 8, 9))]
    for tier in TIER_KEYS:
        assert milestone(validated(), tier, "decision").pausable
    assert local_due("ordinary", "decision", received, paused=appraisal) == sh(2026, 3, 21)


def test_review_decided_within_30_days_and_never_paused() -> None:
    """order art 20: the superior institution decides within 30 days of the request; the
    article names no cause to stop that clock."""
    request = sh(2026, 2, 1, 10)  # day 30 = Tue 03-03
    for tier in TIER_KEYS:
        rule = milestone(validated(), tier, "review_decision")
        assert (rule.kinds, rule.pausable) == (["appeal"], False)
        assert local_due(tier, "review_decision", request) == sh(2026, 3, 4)
    # day 30 = Sat 10-10, a make-up working day
    assert local_due("ordinary", "review_decision", sh(2026, 9, 10, 10)) == sh(2026, 10, 11)


def test_major_complaint_reported_to_the_regulator_within_24_hours() -> None:
    """order art 29, 2007 notice art 8: a prompt report; 24 hours is our reading of 及时,
    wall clock, holidays included."""
    rule = milestone(validated(), "major", "regulator_report")
    assert (rule.start, rule.kinds) == ("classified", ["complaint"])
    classified_at = sh(2026, 10, 1, 10)  # National Day
    assert local_due("major", "regulator_report", classified_at) == sh(2026, 10, 2, 10)
    for tier in ("escalated", "complex", "ordinary"):
        names = {m.name for m in next(t for t in validated().tiers if t.key == tier).milestones}
        assert "regulator_report" not in names


def test_escalated_complaint_carries_the_referring_bodys_deadline_when_shorter() -> None:
    """Across sectors (escalated complaint carries the referring body's deadline); order
    art 18's 15 days stay the maximum."""
    received = sh(2026, 3, 2, 10)
    referral = sh(2026, 3, 10, 17, 30)
    assert local_due("escalated", "decision", received, requested=referral) == referral
    later = sh(2026, 3, 25, 17, 30)
    assert local_due("escalated", "decision", received, requested=later) == sh(2026, 3, 18)
    assert local_due("escalated", "decision", received) == sh(2026, 3, 18)
    assert validated().requested_deadline_may_lengthen is False


def test_no_deadline_for_inquiries_and_consultations() -> None:
    """order 2020 No.3 sets deadlines for complaints and reviews only."""
    for tier in validated().tiers:
        for rule in tier.milestones:
            assert rule.kinds is not None
            assert set(rule.kinds) <= {"complaint", "appeal"}


@pytest.mark.parametrize(
    ("tier", "role", "ceiling"),
    [
        ("major", "senior_manager", 60),
        ("escalated", "senior_manager", 60),
        ("complex", "senior_manager", 60),
        ("ordinary", "supervisor", 30),
    ],
)
def test_extensions_need_the_named_approver_and_stop_at_60_days(
    tier: str, role: str, ceiling: int
) -> None:
    """order art 18: complex up to 30 days; especially complex another 30 with approval of
    the superior institution or a head-office senior manager, at most 60 in all."""
    policy = validated()
    rule = next(t for t in policy.tiers if t.key == tier)
    decision = milestone(policy, tier, "decision")
    base = decision.default or decision.duration
    assert rule.extension is not None
    assert rule.extension.approver_role == role
    assert (base.unit, rule.extension.max.unit) == ("calendar_days", "calendar_days")
    assert base.amount + rule.extension.max.amount == ceiling


def test_escalation_chain_runs_from_the_outlet_to_senior_management() -> None:
    """order arts 4, 18; 2007 notice arts 2, 8: the responsible department, then senior
    management; each tier escalates to a level of the chain."""
    policy = validated()
    chain = [(level.key, level.department, level.role) for level in policy.escalation_chain]
    assert chain == [
        ("outlet", None, "supervisor"),
        ("branch_consumer_protection", "cp_branch", "supervisor"),
        ("hq_consumer_protection", "cp_head_office", "supervisor"),
        ("senior_management", None, "senior_manager"),
    ]
    targets = {t.key: t.escalation_target for t in policy.tiers}
    assert targets == {
        "major": "senior_management",
        "escalated": "hq_consumer_protection",
        "complex": "hq_consumer_protection",
        "ordinary": "branch_consumer_protection",
    }


def test_callback_within_3_days_of_resolution() -> None:
    """Across sectors (callback after resolution), seed 003 (3-day callback); satisfaction
    is a required statistic (2007 notice art 7)."""
    callback = validated().callback
    assert callback is not None
    assert (callback.after.amount, callback.after.unit) == (1, "hours")
    within = Duration(callback.within.amount, Unit(callback.within.unit))
    resolved = sh(2026, 9, 28, 15)  # day 3 = 10-01 -> 10-08
    assert compute_due(resolved, within, calendar()).due_at.astimezone(SHANGHAI) == sh(2026, 10, 9)


def test_warning_at_80_percent_of_each_window() -> None:
    """No figure in the rules; the portal's default share is kept and stated."""
    assert validated().warn_at_share == 0.8


def test_every_tier_keeps_the_statutory_deadlines() -> None:
    """order arts 18, 20: the sector model refuses a tier without the decision or review."""
    document = default_policy()
    document["tiers"][2]["milestones"] = [
        m for m in document["tiers"][2]["milestones"] if m["name"] != "decision"
    ]
    with pytest.raises(PolicyInvalid) as raised:
        validated(document)
    assert [p.path for p in raised.value.problems] == ["tiers[2].milestones"]
    assert "'decision'" in raised.value.problems[0].message
    without_appeals = default_policy()
    without_appeals["kinds"] = ["inquiry", "consultation", "complaint"]
    without_appeals["invalid_rules"] = [
        r for r in without_appeals["invalid_rules"] if not r["reason"].startswith("review_")
    ]
    for tier in without_appeals["tiers"]:
        tier["milestones"] = [m for m in tier["milestones"] if m["name"] != "review_decision"]
    assert validated(without_appeals).kinds == ["inquiry", "consultation", "complaint"]


# --- presets ----------------------------------------------------------------------------------


def preset(key: str) -> PolicyPreset:
    return next(p for p in PRESETS if p.key == key)


def test_presets_have_labels_and_sources() -> None:
    """sector-rules.md: each alternative says where it comes from, in en and zh."""
    for item in PRESETS:
        assert item.label_en and item.label_zh and item.source


@pytest.mark.parametrize("key", [p.key for p in PRESETS])
def test_presets_validate_and_leave_their_input_alone(key: str) -> None:
    """hookspecs.py: apply returns a changed copy that still validates."""
    document = default_policy()
    before = copy.deepcopy(document)
    changed = preset(key).apply(document)
    assert document == before
    assert changed != before
    validated(changed)


def test_preset_cbrc_2012_counts_15_working_days() -> None:
    """CBRC 2012 No.13: 15 working days in principle (superseded by order art 18)."""
    document = preset("cbrc_2012_working_days").apply(default_policy())
    # 15 working days from Tue 02-10: the festival and the make-up Saturdays counted right
    assert local_due("ordinary", "decision", sh(2026, 2, 10, 10), document) == sh(2026, 3, 10)
    # from 09-22 over Mid-Autumn, National Day and the make-up Saturday 10-10
    assert local_due("ordinary", "decision", sh(2026, 9, 22, 10), document) == sh(2026, 10, 21)
    assert local_due("major", "decision", sh(2026, 2, 10, 10), document) == sh(2026, 3, 10)
    assert local_due("escalated", "decision", sh(2026, 2, 10, 10), document) == sh(2026, 3, 10)
    # the review deadline of order art 20 is not the notice's business
    assert local_due("ordinary", "review_decision", sh(2026, 2, 1, 10), document) == sh(2026, 3, 4)


def test_preset_cbrc_2012_caps_complex_cases_at_60_working_days() -> None:
    """CBRC 2012 No.13: at most 60 working days."""
    document = preset("cbrc_2012_working_days").apply(default_policy())
    assert local_due("complex", "decision", sh(2026, 2, 10, 10), document) == sh(2026, 5, 15)
    policy = validated(document)
    extensions = {t.key: t.extension for t in policy.tiers}
    assert extensions["complex"] is None
    for tier in ("major", "escalated", "ordinary"):
        extension = extensions[tier]
        assert extension is not None
        assert (extension.max.amount, extension.max.unit) == (45, "working_days")


def test_preset_order_tiers_only_drops_the_escalated_tier() -> None:
    """order arts 18, 29 draw no tier for referred complaints (instead of Across sectors)."""
    document = preset("order_tiers_only").apply(default_policy())
    assert [t.key for t in validated(document).tiers] == ["major", "complex", "ordinary"]
    assert classified(document, channel="regulator").tier == "ordinary"
    assert classified(document, channel="regulator", complainants=20).tier == "ordinary"
    assert classified(document, channel="visit", complainants=20).tier == "major"


# --- demo tickets ---------------------------------------------------------------------------

DEMO_NOW = sh(2026, 11, 20, 9, 30)


def test_demo_tickets_are_valid_bodies_that_classify() -> None:
    """hookspecs.py sector_demo_tickets: API bodies whose fields the document accepts."""
    policy = validated()
    compiled = compile_policy(policy)
    channels = {c.key for c in policy.channels}
    categories = {c.key for c in policy.categories}
    tickets = demo_tickets(DEMO_NOW, 40)
    assert len(tickets) == 40
    tiers, reasons = set(), set()
    for body in tickets:
        assert set(body) >= {
            "kind", "channel", "subject", "description", "customer", "fields",
            "occurred_at", "requested_due_at",
        }  # fmt: skip
        assert validate_fields(body["fields"], policy.fields) == {}, body["subject"]
        assert body["kind"] in policy.kinds and body["channel"] in channels
        assert body["category"] is None or body["category"] in categories
        assert body["occurred_at"].utcoffset() is not None and body["occurred_at"] < DEMO_NOW
        assert body["requested_due_at"] is None or body["requested_due_at"] > DEMO_NOW
        customer = body["customer"]
        assert set(customer) == {"name", "phone", "email", "anonymous"}
        facts = TicketFacts(
            kind=body["kind"],
            channel=body["channel"],
            category=body["category"],
            now=DEMO_NOW,
            customer_anonymous=customer["anonymous"],
            has_contact=bool(customer["phone"] or customer["email"]),
            fields={**body["fields"], **derived_facts(body["fields"], body["kind"], DEMO_NOW)},
            occurred_at=body["occurred_at"],
        )
        result = classify(compiled, facts)
        tiers.add(result.tier)
        reasons.update(result.validity_reasons)
    assert tiers == set(TIER_KEYS)
    assert reasons == {r.key for r in policy.validity_reasons}


def test_demo_tickets_are_deterministic_and_varied() -> None:
    """hookspecs.py: seeded, so make run shows the same demo; kinds and channels vary."""
    first = demo_tickets(DEMO_NOW, 25)
    assert first == demo_tickets(DEMO_NOW, 25)
    assert demo_tickets(DEMO_NOW, 3) == first[:3]
    assert {t["kind"] for t in first} == {"inquiry", "consultation", "complaint", "appeal"}
    assert len({t["channel"] for t in first}) >= 8
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t["description"]) for t in first)
    assert demo_tickets(DEMO_NOW, 0) == []


def test_demo_tickets_keep_their_rule_when_opened_up_to_three_weeks_later() -> None:
    """portal/demo.py opens each body up to 21 days after the ``now`` it passes: every body
    must still be accepted (requested deadline in the future) and show the same rule."""
    compiled = compile_policy(validated())
    for body in demo_tickets(DEMO_NOW, 21):
        outcomes = set()
        for opened in (DEMO_NOW, DEMO_NOW + timedelta(days=21)):
            assert body["requested_due_at"] is None or body["requested_due_at"] > opened
            facts = TicketFacts(
                kind=body["kind"],
                channel=body["channel"],
                now=opened,
                customer_anonymous=body["customer"]["anonymous"],
                has_contact=bool(body["customer"]["phone"] or body["customer"]["email"]),
                fields={**body["fields"], **derived_facts(body["fields"], body["kind"], opened)},
            )
            result = classify(compiled, facts)
            outcomes.add((result.tier, tuple(result.validity_reasons)))
        assert len(outcomes) == 1, body["subject"]


def test_demo_review_requests_fall_on_both_sides_of_the_window() -> None:
    """order art 20, shown in the demo: one review on time, one too late."""
    appeals = [t for t in demo_tickets(DEMO_NOW, 21) if t["kind"] == "appeal"]
    late = [derived_facts(t["fields"], "appeal", DEMO_NOW)["review_request_late"] for t in appeals]
    assert sorted(late) == [False, False, True]


def test_decision_received_today_or_later_is_not_late() -> None:
    """order art 20: the window has only begun (a date in the future is a typo, not late)."""
    assert derived_facts({"decision_received_on": "2026-11-20"}, "appeal", DEMO_NOW) == {
        "review_request_late": False
    }
    assert derived_facts({"decision_received_on": "2030-01-01"}, "appeal", DEMO_NOW) == {
        "review_request_late": False
    }
    assert derived_facts({"decision_received_on": "1999-01-01"}, "appeal", DEMO_NOW) == {
        "review_request_late": True
    }


def test_demo_times_fall_on_office_hours_of_earlier_days() -> None:
    """Realistic demo: incidents during the day, before today."""
    for body in demo_tickets(DEMO_NOW, 21):
        occurred = body["occurred_at"].astimezone(SHANGHAI)
        assert occurred.date() < DEMO_NOW.date()
        assert time(8) <= occurred.time() < time(20)
