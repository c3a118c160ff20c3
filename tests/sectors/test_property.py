"""The property sector's rules, through the public engine: validate, compile, classify,
then compute each milestone's due time on the 2026-2027 statutory calendar.

Sources: seed 002 (tiers and deadlines), seed 003 (投诉处理管理办法: categories, intake,
callback), the city regulations named in sector-rules.md (presets), and the Civil Code's
rules for counting time.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plugins.property import __version__
from plugins.property.demo import demo_tickets
from plugins.property.facts import derived_facts
from plugins.property.model import PropertyPolicy
from plugins.property.policy import default_policy
from plugins.property.presets import PRESETS
from portal.hookspecs import PolicyPreset
from portal.plugins import SectorRegistry, build_registry
from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.classify import Classification, TicketFacts, classify, compile_policy
from portal.policy.deadlines import Due, Duration, Unit, compute_due
from portal.policy.document import PolicyDocument, PolicyInvalid, validate_fields, validate_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar(
    (statutory_year_from_library(2026), statutory_year_from_library(2027)),
    time_zone="Asia/Shanghai",
)
DOCUMENT = validate_policy(default_policy(), PropertyPolicy)
COMPILED = compile_policy(DOCUMENT)


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


NOW = at(9, 1)
BODY_KEYS = (
    "kind",
    "channel",
    "subject",
    "description",
    "customer",
    "fields",
    "occurred_at",
    "requested_due_at",
)


@pytest.fixture(scope="module")
def registry() -> SectorRegistry:
    return build_registry()


def facts(
    fields: dict[str, Any] | None = None, *, now: datetime = NOW, **changes: Any
) -> TicketFacts:
    """A phone complaint from an owner who can be reached, with the derived facts added
    the way intake adds them."""
    given = {"complainant_role": "owner", "unit": "3栋1202室", **(fields or {})}
    base: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "now": now,
        "customer_anonymous": False,
        "has_contact": True,
        "fields": {**given, **derived_facts(given, now)},
    }
    return TicketFacts(**{**base, **changes})


def classified(
    fields: dict[str, Any] | None = None, document: PolicyDocument = DOCUMENT, **changes: Any
) -> Classification:
    compiled = COMPILED if document is DOCUMENT else compile_policy(document)
    return classify(compiled, facts(fields, **changes))


def due(
    tier: str,
    name: str,
    start: datetime,
    *,
    requested: datetime | None = None,
    document: PolicyDocument = DOCUMENT,
) -> Due:
    """When the complaint milestone ``name`` of ``tier`` falls due from ``start``."""
    found = next(t for t in document.tiers if t.key == tier)
    rule = next(m for m in found.milestones if m.name == name and "complaint" in (m.kinds or []))
    default = rule.default
    return compute_due(
        start,
        Duration(rule.duration.amount, Unit(rule.duration.unit)),
        CALENDAR,
        requested_due_at=requested,
        requested_may_lengthen=document.requested_deadline_may_lengthen,
        default=Duration(default.amount, Unit(default.unit)) if default else None,
    )


def end_of(month: int, day: int, year: int = 2026) -> datetime:
    """The instant a local day ends (24:00), as the calculator returns it (UTC)."""
    return (datetime(year, month, day, tzinfo=SHANGHAI) + timedelta(days=1)).astimezone(UTC)


def labels(node: object) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "label":
                yield value
            yield from labels(value)
    elif isinstance(node, list):
        for item in node:
            yield from labels(item)


def preset(key: str) -> PolicyPreset:
    return next(p for p in PRESETS if p.key == key)


def with_preset(key: str) -> PolicyDocument:
    return validate_policy(preset(key).apply(default_policy()), PropertyPolicy)


# --- the document and the plugin ------------------------------------------------------


def test_sector_info_through_the_entry_point(registry: SectorRegistry) -> None:
    """The sector loads from the ``tousu.sectors`` entry point (pyproject.toml)."""
    info = registry.call("property", "sector_info")
    assert (info.key, info.name_en, info.name_zh, info.version) == (
        "property",
        "Property management",
        "物业管理",
        __version__,
    )
    assert __version__ == "1.0.0"


def test_default_policy_validates_with_the_sector_model(registry: SectorRegistry) -> None:
    """The default (sector-rules.md, property) passes the sector's own schema."""
    model = registry.call("property", "sector_policy_model")
    assert model is PropertyPolicy
    document = validate_policy(registry.call("property", "sector_default_policy"), model)
    assert [t.key for t in document.tiers] == ["major", "important", "minor"]
    assert document.default_tier == "minor"
    assert document.fact_types()["unsolved_over_a_month"] == "boolean"


def test_default_policy_is_a_fresh_copy_each_time(registry: SectorRegistry) -> None:
    first = registry.call("property", "sector_default_policy")
    first["tiers"][0]["milestones"][0]["duration"]["amount"] = 99
    assert registry.call("property", "sector_default_policy") == default_policy()
    assert default_policy()["tiers"][0]["milestones"][0]["duration"]["amount"] == 1


def test_every_label_has_english_and_chinese() -> None:
    documents = [default_policy()] + [p.apply(default_policy()) for p in PRESETS]
    found = [label for document in documents for label in labels(document)]
    assert len(found) > 100
    for label in found:
        assert set(label) == {"en", "zh"}, label
        assert label["en"].isascii() and label["en"].strip(), label
        assert any("\u4e00" <= char <= "\u9fff" for char in label["zh"]), label
    for p in PRESETS:
        assert p.label_en.isascii() and any("\u4e00" <= c <= "\u9fff" for c in p.label_zh)


def test_kinds_of_property_tickets() -> None:
    """查询, 咨询, 报修 (fault) and 投诉; the appeal kind is a regulator's (design.md)."""
    assert DOCUMENT.kinds == ["inquiry", "consultation", "fault", "complaint"]


def test_deadlines_apply_to_complaints_only() -> None:
    """seed 002 §2 sets deadlines for complaints (投诉); no source sets any for the rest."""
    for tier in DOCUMENT.tiers:
        assert tier.milestones
        assert all(m.kinds == ["complaint"] for m in tier.milestones), tier.key


def test_categories_are_the_three_classes() -> None:
    """seed 003 §4.1: own management or service, engineering quality, third parties."""
    assert [c.key for c in DOCUMENT.categories] == [
        "management_service",
        "engineering_quality",
        "third_party",
    ]


@pytest.mark.parametrize(
    ("channel", "level"),
    [
        ("face_to_face", "estate"),
        ("phone", "estate"),
        ("letter", "estate"),
        ("email", "estate"),
        ("owners_committee", "estate"),
        ("company", "company"),
        ("hotline_12345", "external"),
        ("housing_authority", "external"),
        ("price_authority", "external"),
        ("consumer_association", "external"),
    ],
)
def test_channel_levels_estate_company_external(channel: str, level: str) -> None:
    """seed 003 §4.2.1-4.2.4 (on site; letter, phone, e-mail; company, group,
    government) and seed 002 §4, §6 (12345, housing and price authorities, 消协)."""
    assert classified(channel=channel).channel_level == level


# --- validity -------------------------------------------------------------------------


def test_anonymous_complaint_is_invalid() -> None:
    """design.md vocabulary; seed 003 §4.3: every complainant gets a callback."""
    result = classified(customer_anonymous=True)
    assert (result.validity, result.validity_reasons) == ("invalid", ["anonymous"])
    assert result.reasons[0] == "invalid (Anonymous): the complainant gave no identity"
    assert classified().validity == "valid"


def test_complaint_that_cannot_be_reached_is_invalid_but_a_unit_number_is_enough() -> None:
    """seed 003 §4.3: the callback is by phone or visit, so a unit number reaches the owner."""
    unreachable = classified({"unit": None}, has_contact=False)
    assert (unreachable.validity, unreachable.validity_reasons) == ("invalid", ["no_contact"])
    assert classified({"unit": "5栋801室"}, has_contact=False).validity == "valid"
    assert classified({"unit": None}, has_contact=True).validity == "valid"


def test_complainant_neither_owner_nor_occupant_is_invalid() -> None:
    """物业管理条例 art 2 (owners and occupants are served); seed 003 §2 (customers)."""
    result = classified({"complainant_role": "unrelated"})
    assert result.validity_reasons == ["not_customer"]
    assert classified({"complainant_role": "occupant"}).validity == "valid"


def test_every_matching_invalid_reason_is_listed() -> None:
    result = classified(
        {"unit": None, "complainant_role": "unrelated"},
        customer_anonymous=True,
        has_contact=False,
        locale="zh",
    )
    assert result.validity_reasons == ["anonymous", "no_contact", "not_customer"]
    assert result.reasons[1] == "无效（无法联系投诉人）：无电话、邮箱或房号"


# --- tiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("loss", "tier"), [(4999, "minor"), (4999.99, "minor"), (5000, "major")])
def test_major_loss_of_5000_yuan_or_more(loss: float, tier: str) -> None:
    """seed 002 §3: 一般在5000元以上 (以上 includes 5,000: Civil Code art 1259)."""
    assert classified({"loss_amount": loss}).tier == tier


def test_major_personal_injury() -> None:
    """seed 002 §2 major (2), §3."""
    result = classified({"personal_injury": True}, locale="zh")
    assert (result.tier, result.reasons) == ("major", ["因公司责任造成5000元以上损失或人身伤害"])


def test_major_harm_must_be_caused_by_the_company_not_a_third_party() -> None:
    """seed 002 §2 major (2) 由于公司责任; seed 003 §4.1.3 class 3 is a third party's."""
    assert classified({"loss_amount": 8000}, category="third_party").tier == "minor"
    assert classified({"personal_injury": True}, category="third_party").tier == "minor"
    assert classified({"loss_amount": 8000}, category="engineering_quality").tier == "major"
    injured_by_our_fault = {"personal_injury": True, "company_fault": True}
    assert classified(injured_by_our_fault, category="third_party").tier == "important"


def test_major_promised_service_failed_and_raised_repeatedly() -> None:
    """seed 002 §2 major (1): 经客户多次提出而得不到解决."""
    promised = {"promised_service_failed": True}
    assert classified(promised).tier == "minor"
    assert classified({**promised, "earlier_requests": 0}).tier == "minor"
    assert classified({**promised, "earlier_requests": 1}).tier == "major"
    assert classified(promised, prior_complaints=[NOW - timedelta(days=3)]).tier == "major"
    assert classified({"earlier_requests": 5}).tier == "minor"


def test_major_group_of_owners_harmed_by_the_same_act() -> None:
    """seed 002 §3: 一批消费者利益受到同一个经营者的经营行为侵害."""
    result = classified({"group_harm": True}, channel="hotline_12345")
    assert (result.tier, result.channel_level) == ("major", "external")


@pytest.mark.parametrize(
    ("first_raised", "now", "tier"),
    [
        ("2026-08-15", at(9, 15, 23, 59), "minor"),  # the month ends on 09-15
        ("2026-08-15", at(9, 16, 0, 0), "major"),  # one day over
        ("2026-01-31", at(2, 28, 23, 59), "minor"),  # no 02-31: the month ends on 02-28
        ("2026-01-31", at(3, 1, 0, 0), "major"),
        ("2026-12-20", at(1, 20, 23, 59, year=2027), "minor"),
        ("2026-12-20", at(1, 21, 0, 0, year=2027), "major"),
    ],
)
def test_major_valid_complaint_unsolved_within_a_month(
    first_raised: str, now: datetime, tier: str
) -> None:
    """seed 002 §2 major (3); the month counted as Civil Code arts 201-202 count it."""
    assert classified({"first_raised_on": first_raised}, now=now).tier == tier


def test_unsolved_month_is_a_derived_fact_of_the_first_raised_date(
    registry: SectorRegistry,
) -> None:
    """seed 002 §2 major (3), through the hook as intake calls it (UTC ``now``)."""

    def derived(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
        answer: dict[str, Any] = registry.call(
            "property",
            "sector_derived_facts",
            fields=fields,
            kind="complaint",
            occurred_at=None,
            now=now,
            timezone="Asia/Shanghai",
        )
        return answer

    # 2026-03-01 00:30 in Shanghai is still 02-28 in UTC: the local date counts.
    local_march = datetime(2026, 2, 28, 16, 30, tzinfo=UTC)
    assert derived({"first_raised_on": "2026-01-31"}, local_march) == {
        "unsolved_over_a_month": True
    }
    assert derived({"first_raised_on": "2026-01-31"}, local_march - timedelta(hours=1)) == {
        "unsolved_over_a_month": False
    }
    assert derived({}, local_march) == {"unsolved_over_a_month": False}


def test_important_management_or_service_failure_with_fault() -> None:
    """seed 002 §2 important: 因公司的管理服务工作不到位、有过失而引起."""
    result = classified({"company_fault": True})
    assert (result.tier, result.reasons) == (
        "important",
        ["management or service failure with fault"],
    )
    assert classified({"company_fault": True, "loss_amount": 5000}).tier == "major"


def test_minor_is_the_default_without_human_fault() -> None:
    """seed 002 §2 minor: facility or management limits, no human fault."""
    result = classified({"loss_amount": 300}, category="management_service")
    assert (result.tier, result.reasons) == (
        "minor",
        ["no tier criterion matched: Minor (default)"],
    )


# --- deadlines ------------------------------------------------------------------------


def test_major_to_the_general_manager_the_same_day() -> None:
    """seed 002 §2: 当天呈送公司总经理 (by the close of business, Civil Code art 203)."""
    assert due("major", "forward", at(9, 1, 10)).due_at == at(9, 1, 17, 30)
    # After the close on Friday 10-09: the make-up working Saturday 10-10 closes next.
    assert due("major", "forward", at(10, 9, 18)).due_at == at(10, 10, 17, 30)
    # After the close on 09-30: National Day runs to 10-07.
    assert due("major", "forward", at(9, 30, 18)).due_at == at(10, 8, 17, 30)


def test_major_clear_answer_within_2_days() -> None:
    """seed 002 §2: 在2日给投诉的客户明确答复; a last day in National Day moves to 10-08."""
    assert due("major", "reply", at(9, 28)).due_at == end_of(9, 30)
    assert due("major", "reply", at(9, 29)).due_at == end_of(10, 8)


def test_major_solved_within_10_days() -> None:
    """seed 002 §2: 解决时间不宜超过10日."""
    assert due("major", "resolve", at(9, 1, 23, 59)).due_at == end_of(9, 11)
    # From 09-02, day 10 is Saturday 09-12: the period ends on Monday 09-14.
    assert due("major", "resolve", at(9, 2, 0, 0)).due_at == end_of(9, 14)


def test_major_deadline_into_2027_is_provisional() -> None:
    """stack.md, Calendars: 2027's schedule is not published, so the due time may move."""
    result = due("major", "resolve", at(12, 25))
    assert result.due_at == end_of(1, 4, year=2027)
    assert result.provisional
    assert not due("major", "resolve", at(12, 1)).provisional


def test_important_to_engineering_within_1_hour() -> None:
    """seed 002 §2: 接待后1小时内转呈工程部; wall clock, holidays included."""
    assert due("important", "forward", at(10, 1, 10, 0)).due_at == at(10, 1, 11, 0)
    assert due("important", "forward", at(9, 1, 23, 30)).due_at == at(9, 2, 0, 30)


@pytest.mark.parametrize(
    ("start", "due_day"),
    [
        (at(10, 4), end_of(10, 8)),  # day 3 is 10-07, in National Day
        (at(10, 6), end_of(10, 9)),
        (at(10, 7), end_of(10, 10)),  # day 3 is the make-up working Saturday
        (at(10, 8), end_of(10, 12)),  # day 3 is Sunday 10-11
    ],
)
def test_important_handled_within_3_days(start: datetime, due_day: datetime) -> None:
    """seed 002 §2: 重要投诉一般在3日内处置完毕; Civil Code arts 201, 203."""
    assert due("important", "resolve", start).due_at == due_day


@pytest.mark.parametrize(
    ("start", "due_day"),
    [
        (at(2, 12), end_of(2, 14)),  # make-up working Saturday 02-14
        (at(2, 13), end_of(2, 24)),  # 02-15 starts the Spring Festival (to 02-23)
        (at(2, 26), end_of(2, 28)),  # make-up working Saturday 02-28
        (at(2, 27), end_of(3, 2)),  # Sunday 03-01 moves to Monday
    ],
)
def test_minor_solved_within_2_days(start: datetime, due_day: datetime) -> None:
    """seed 002 §2: 轻微投诉不超过2天内解决; Civil Code arts 201, 203."""
    assert due("minor", "resolve", start).due_at == due_day


def test_minor_solved_within_the_customers_requested_period() -> None:
    """seed 002 §2: 或在客户要求的期限内解决: a longer request applies too."""
    assert DOCUMENT.requested_deadline_may_lengthen
    later = at(9, 8, 18)
    sooner = at(9, 2, 12)
    assert due("minor", "resolve", NOW, requested=later).due_at == later
    assert due("minor", "resolve", NOW, requested=sooner).due_at == sooner
    assert due("minor", "resolve", NOW).due_at == end_of(9, 3)


def test_callback_within_3_days_of_handling() -> None:
    """seed 003 §4.3: 处理后由运营管理部在3天之内以电话或上门的形式进行回访."""
    assert DOCUMENT.callback is not None
    within = DOCUMENT.callback.within
    assert (within.amount, within.unit) == (3, "calendar_days")
    for tier in ("major", "important", "minor"):
        callback = next(
            m for t in DOCUMENT.tiers if t.key == tier for m in t.milestones if m.name == "callback"
        )
        assert callback.start == "resolved"
        assert due(tier, "callback", at(10, 6, 15)).due_at == end_of(10, 9)
    assert due("minor", "callback", at(9, 29, 15)).due_at == end_of(10, 8)


def test_callback_milestones_must_agree_with_the_callback_rule() -> None:
    """seed 003 §4.3: one rule, so the sector schema rejects a tier that says otherwise."""
    document = default_policy()
    callback = document["tiers"][1]["milestones"][-1]
    callback["duration"] = {"amount": 5, "unit": "calendar_days"}
    callback["start"] = "created"
    with pytest.raises(PolicyInvalid) as caught:
        validate_policy(document, PropertyPolicy)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("tiers[1].milestones[3].start", "a callback follows resolution: use 'resolved'"),
        ("tiers[1].milestones[3].duration", "must equal callback.within (3 calendar_days)"),
    ]


def test_unsolved_for_a_month_is_watched_on_important_and_minor_complaints() -> None:
    """seed 002 §2 major (3): the data part of re-tiering an open ticket (30 days)."""
    assert not any(m.name == "solve_within_month" for m in DOCUMENT.tiers[0].milestones)
    # Day 30 from 09-01 is 10-01, in National Day: due at the end of 10-08.
    assert due("important", "solve_within_month", at(9, 1)).due_at == end_of(10, 8)
    assert due("minor", "solve_within_month", at(9, 15)).due_at == end_of(10, 15)


def test_overtime_needs_the_approvers_of_seed_002() -> None:
    """seed 002 §2: important overtime by the general manager, minor by the supervising
    manager; major (no approver given) by the general manager, who owns it."""
    extensions = {
        t.key: (t.extension.approver_role, t.extension.max.amount, t.extension.max.unit)
        for t in DOCUMENT.tiers
        if t.extension
    }
    assert extensions == {
        "major": ("general_manager", 20, "calendar_days"),
        "important": ("general_manager", 7, "calendar_days"),
        "minor": ("supervising_manager", 8, "calendar_days"),
    }


def test_escalation_chain_from_front_desk_to_general_manager() -> None:
    """seed 003 §3.1-3.2, §4.2.4 (front desk, department head); seed 002 §2 (engineering,
    supervising manager, general manager)."""
    chain = [(level.key, level.department, level.role) for level in DOCUMENT.escalation_chain]
    assert chain == [
        ("front_desk", "front_desk", None),
        ("department_head", None, "department_head"),
        ("engineering", "engineering", None),
        ("supervising_manager", None, "supervising_manager"),
        ("general_manager", None, "general_manager"),
    ]
    targets = {t.key: t.escalation_target for t in DOCUMENT.tiers}
    assert targets == {
        "major": "general_manager",
        "important": "engineering",
        "minor": "supervising_manager",
    }


def test_warn_at_share_is_the_core_default() -> None:
    assert DOCUMENT.warn_at_share == 0.8


def resolve(document: dict[str, Any], path: str) -> Any:
    node: Any = document
    for index, key in re.findall(r"\[(\d+)\]|\.?([a-z_]+)", path):
        node = node[int(index)] if index else node[key]
    return node


def test_the_policy_paths_in_the_docs_exist() -> None:
    """docs/sectors.md tells admins where each rule lives (in the default, or
    in the document a preset makes); keep it true."""
    text = (Path(__file__).parents[2] / "docs/sectors.md").read_text(encoding="utf-8")
    text = text.split("## Property management", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"`([a-z_]+(?:\[\d+\]|\.[a-z_]+)*)`", text)
    concrete = [p for p in paths if "[" in p or "." in p]
    assert len(concrete) > 15
    documents = [default_policy()] + [p.apply(default_policy()) for p in PRESETS]
    for path in concrete:
        found = []
        for document in documents:
            try:
                found.append(resolve(document, path))
            except (KeyError, IndexError):
                continue
        assert found, path


# --- presets --------------------------------------------------------------------------


def test_presets_are_offered_through_the_registry(registry: SectorRegistry) -> None:
    """sector-rules.md, property: the city alternatives and tiering by score."""
    offered = registry.call("property", "sector_policy_presets")
    assert [p.key for p in offered] == ["hangzhou_2021", "liaocheng", "jinan_2018", "scoring"]


@pytest.mark.parametrize("key", [p.key for p in PRESETS])
def test_preset_validates_leaves_its_input_alone_and_applies_twice_alike(key: str) -> None:
    original = default_policy()
    untouched = copy.deepcopy(original)
    once = preset(key).apply(original)
    assert original == untouched
    assert once != original
    validate_policy(once, PropertyPolicy)
    assert preset(key).apply(once) == once


def test_hangzhou_preset_answers_every_complaint_within_10_days() -> None:
    """杭州市物业管理条例 (2021) art 50: 10 days; the major tier's 2 days stay."""
    document = with_preset("hangzhou_2021")
    assert due("major", "reply", at(9, 28), document=document).due_at == end_of(9, 30)
    # Day 10 from 09-25 is 10-05, in National Day: the end of 10-08.
    assert due("important", "reply", at(9, 25), document=document).due_at == end_of(10, 8)
    assert due("minor", "reply", at(9, 1), document=document).due_at == end_of(9, 11)
    assert not any(m.name == "reply" for m in DOCUMENT.tiers[2].milestones)


def test_liaocheng_preset_answers_objections_to_notices_within_3_days() -> None:
    """聊城市物业管理条例 art 35: objections to what the company published, 3 days."""
    document = with_preset("liaocheng")
    assert classified({"notice_objection": True}, document).tier == "notice_objection"
    assert classified({}, document).tier == "minor"
    assert classified({"notice_objection": True, "company_fault": True}, document).tier == (
        "important"
    )
    assert due("notice_objection", "reply", at(10, 7), document=document).due_at == end_of(10, 10)
    assert due("notice_objection", "resolve", at(10, 7), document=document).due_at == end_of(10, 9)


def test_jinan_preset_answers_12345_referrals_within_5_working_days() -> None:
    """济南市物业管理条例 (2018) art 24: 5 working days; 10-10 is a make-up working day."""
    document = with_preset("jinan_2018")
    assert classified({}, document, channel="hotline_12345").tier == "hotline_referral"
    assert classified({}, document, channel="phone").tier == "minor"
    assert classified({"group_harm": True}, document, channel="hotline_12345").tier == "major"
    # Working days after 09-30: 10-08, 10-09, 10-10, 10-12, 10-13.
    assert due("hotline_referral", "reply", at(9, 30), document=document).due_at == end_of(10, 13)


def test_scoring_preset_adds_up_points() -> None:
    """seed 002 §7: a points system instead of judgement."""
    document = with_preset("scoring")
    assert all(t.when is None for t in document.tiers)
    nothing = classified({}, document)
    assert (nothing.tier, nothing.score) == ("minor", 0)
    assert classified({"company_fault": True}, document).tier == "important"
    assert classified({"loss_amount": 4999}, document).tier == "minor"
    assert classified({"loss_amount": 5000}, document).tier == "major"
    assert classified({"loss_amount": 9000}, document, category="third_party").tier == "minor"
    repeated_fault = {"company_fault": True, "earlier_requests": 1}
    assert classified(repeated_fault).tier == "important"  # the default does not add up
    scored = classified(repeated_fault, document)
    assert (scored.tier, scored.score) == ("major", 10)
    assert scored.reasons == ["Raised repeatedly +5", "Our fault +5", "score 10 >= 10: Major"]


# --- demo tickets ---------------------------------------------------------------------


def test_demo_tickets_are_valid_bodies_that_classify(registry: SectorRegistry) -> None:
    now = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    bodies = registry.call("property", "sector_demo_tickets", now=now, count=40)
    assert len(bodies) == 40
    results = []
    for body in bodies:
        assert set(body) >= set(BODY_KEYS)
        assert validate_fields(body["fields"], DOCUMENT.fields) == {}
        assert body["kind"] in DOCUMENT.kinds
        assert body["category"] in {None, *(c.key for c in DOCUMENT.categories)}
        assert body["occurred_at"].utcoffset() is not None and body["occurred_at"] < now
        assert body["requested_due_at"] is None or body["requested_due_at"] > now
        assert any("\u4e00" <= c <= "\u9fff" for c in body["description"])
        customer = body["customer"]
        results.append(
            classify(
                COMPILED,
                TicketFacts(
                    kind=body["kind"],
                    channel=body["channel"],
                    category=body["category"],
                    now=now,
                    customer_anonymous=customer["anonymous"],
                    has_contact=bool(customer["phone"] or customer["email"]),
                    fields={**body["fields"], **derived_facts(body["fields"], now)},
                    occurred_at=body["occurred_at"],
                ),
            )
        )
    assert {r.tier for r in results} == {"major", "important", "minor"}
    assert {r for result in results for r in result.validity_reasons} == {
        "anonymous",
        "no_contact",
        "not_customer",
    }
    assert {r.channel_level for r in results} == {"estate", "external"}
    assert {b["kind"] for b in bodies} == set(DOCUMENT.kinds)


def test_demo_tickets_are_deterministic() -> None:
    now = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    assert demo_tickets(now, 20) == demo_tickets(now, 20)
    assert demo_tickets(now, 0) == []
    assert len(demo_tickets(now, 3)) == 3
    first_raised = [
        b["fields"]["first_raised_on"]
        for b in demo_tickets(now, 16)
        if "first_raised_on" in b["fields"]
    ]
    assert first_raised and all(date.fromisoformat(d) < now.date() for d in first_raised)
