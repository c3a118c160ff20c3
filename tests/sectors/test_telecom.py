"""The telecom sector's rules, through the public engine: validate the default document,
compile it, classify tickets, compute their deadlines on the 2026/2027 statutory calendar.

Sources are cited in each docstring; docs/sectors.md lists them all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plugins import telecom
from plugins.telecom import (
    TelecomPolicy,
    default_policy,
    demo_tickets,
    derived_facts,
    presets,
)
from portal.extensions import db
from portal.hookspecs import PolicyPreset
from portal.models import Tenant, Ticket
from portal.plugins import build_registry, sectors
from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.classify import Classification, TicketFacts, classify, compile_policy
from portal.policy.deadlines import Due, Duration, Unit, compute_due
from portal.policy.document import (
    MilestoneRule,
    PolicyDocument,
    PolicyInvalid,
    validate_fields,
    validate_policy,
)
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import make_tenant

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIERS = ["major", "escalated", "important", "general"]
REFERRALS = ["upgrade_hotline", "group_referral", "admin_12300", "ministry", "consumer_association"]


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


NOW = sh(2026, 9, 1, 10)


@cache
def calendar() -> WorkingCalendar:
    """2026 as published; 2027 as the library extrapolates it (provisional)."""
    years = (statutory_year_from_library(2026), statutory_year_from_library(2027))
    return WorkingCalendar(years, time_zone="Asia/Shanghai")


def document(raw: dict[str, Any] | None = None) -> TelecomPolicy:
    return validate_policy(default_policy() if raw is None else raw, TelecomPolicy)


CHECKED = {"direct_party": True, "specific_enough": True, "in_scope": True}


def classified(
    kind: str = "complaint",
    channel: str = "hotline",
    *,
    fields: dict[str, Any] | None = None,
    now: datetime = NOW,
    anonymous: bool = False,
    contact: bool = True,
    category: str | None = None,
    occurred_at: datetime | None = None,
    prior: tuple[datetime, ...] = (),
    policy: PolicyDocument | None = None,
) -> Classification:
    """Classify as intake does: the sector's derived facts join the fields."""
    given = dict(CHECKED if fields is None else fields)
    facts = TicketFacts(
        kind=kind,
        channel=channel,
        now=now,
        customer_anonymous=anonymous,
        has_contact=contact,
        category=category,
        fields={**given, **derived_facts(given, now, "Asia/Shanghai")},
        occurred_at=occurred_at,
        prior_complaints=prior,
    )
    return classify(compile_policy(policy or document()), facts)


def appeal_fields(**extra: Any) -> dict[str, Any]:
    """An admissible appeal (order 35 art 10), changed by ``extra``."""
    return {
        **CHECKED,
        "respondent": "华通通信股份有限公司杭州分公司",
        "operator_complaint": "rejected",
        "operator_complaint_date": "2026-08-10",
        **extra,
    }


def milestone(policy: PolicyDocument, tier: str, kind: str, name: str) -> MilestoneRule:
    rules = next(t.milestones for t in policy.tiers if t.key == tier)
    [found] = [m for m in rules if m.name == name and (not m.kinds or kind in m.kinds)]
    return found


def due(
    tier: str,
    kind: str,
    name: str,
    start: datetime,
    *,
    policy: PolicyDocument | None = None,
    requested: datetime | None = None,
) -> Due:
    policy = policy or document()
    rule = milestone(policy, tier, kind, name)
    default = rule.default
    return compute_due(
        start,
        Duration(rule.duration.amount, Unit(rule.duration.unit)),
        calendar(),
        requested_due_at=requested,
        requested_may_lengthen=policy.requested_deadline_may_lengthen,
        default=Duration(default.amount, Unit(default.unit)) if default else None,
    )


def local(result: Due) -> datetime:
    return result.due_at.astimezone(SHANGHAI)


# --- the document and the plugin contract --------------------------------------------


def test_default_policy_validates_with_the_telecom_model() -> None:
    """sector-rules.md, Telecom: the whole default as one valid document."""
    policy = document()
    assert isinstance(policy, TelecomPolicy)
    assert [t.key for t in policy.tiers] == TIERS
    assert policy.default_tier == "general"


def _labels(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "label":
                yield f"{path}.label", value
            yield from _labels(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _labels(item, f"{path}[{i}]")


def test_every_label_has_english_and_chinese() -> None:
    """Labels en + zh everywhere: the document, every milestone, every reason, presets."""
    raw = default_policy()
    found = list(_labels(raw))
    for path, value in found:
        assert set(value) == {"en", "zh"}, path
        assert value["en"].strip() and value["zh"].strip(), path
        assert any("\u4e00" <= ch <= "\u9fff" for ch in value["zh"]), path
    labelled = {path for path, _ in found}
    for section in ("fields", "validity_reasons", "channel_levels", "channels", "categories"):
        for i, _ in enumerate(raw[section]):
            assert f".{section}[{i}].label" in labelled
    for i, tier in enumerate(raw["tiers"]):
        assert f".tiers[{i}].label" in labelled
        for j, _ in enumerate(tier["milestones"]):
            assert f".tiers[{i}].milestones[{j}].label" in labelled
    for i, _ in enumerate(raw["invalid_rules"]):
        assert f".invalid_rules[{i}].when.label" in labelled
    for preset in presets():
        assert preset.label_en and preset.label_zh and preset.source


def test_default_policy_is_a_fresh_document_each_time() -> None:
    """A caller (the admin's editor) may change the default without changing the next one."""
    first = default_policy()
    first["tiers"][0]["milestones"].clear()
    first["channels"].clear()
    assert default_policy()["tiers"][0]["milestones"]
    assert document().channels


DOC_PAGE = Path(__file__).parents[2] / "docs" / "sectors.md"
DOC_PATH = re.compile(r"`((?:tiers|fields|invalid_rules)\[\d+\][\w.\[\]]*)`")


def test_docs_name_paths_that_exist_in_the_default_document() -> None:
    """docs/sectors.md tells admins where each rule lives; every concrete path it
    names resolves in the default document."""
    section = DOC_PAGE.read_text(encoding="utf-8").split("## Telecom", 1)[1].split("\n## ", 1)[0]
    paths = DOC_PATH.findall(section)
    assert len(paths) > 20
    for path in paths:
        node: Any = default_policy()
        for name, index in re.findall(r"(\w+)|\[(\d+)\]", path):
            node = node[int(index)] if index else node[name]
        assert node is not None, path


def test_sector_loads_through_the_entry_point() -> None:
    """design.md, The plugin contract: built-in sectors load like third-party ones."""
    registry = build_registry()
    info = registry.get("telecom").info
    assert (info.key, info.name_en, info.name_zh) == ("telecom", "Telecom", "电信")
    assert info.version == telecom.__version__ == "1.0.0"
    model = registry.call("telecom", "sector_policy_model")
    assert model is TelecomPolicy
    validate_policy(registry.call("telecom", "sector_default_policy"), model)
    facts = registry.call(
        "telecom",
        "sector_derived_facts",
        fields={"bill_amount": 600, "average_bill_3m": 100},
        kind="complaint",
        occurred_at=None,
        now=NOW,
        timezone="Asia/Shanghai",
    )
    assert facts == {"bill_ratio": 6.0}
    found = registry.call("telecom", "sector_policy_presets")
    assert [p.key for p in found] == [p.key for p in presets()]
    bodies = registry.call("telecom", "sector_demo_tickets", now=NOW, count=3)
    assert bodies == demo_tickets(NOW, 3)


# --- kinds, channel levels, categories -------------------------------------------------


def test_kinds_query_consultation_fault_complaint_appeal() -> None:
    """China Telecom complaint measures arts 4-7 (seed 003); appeals, order 35."""
    assert document().kinds == ["inquiry", "consultation", "fault", "complaint", "appeal"]


def test_complaint_basis_records_why_a_consultation_became_a_complaint() -> None:
    """China Telecom measures art 7 (seed 003): dissatisfied after explanation, time limit
    missed, poor result, or a network/platform fault reported as a complaint."""
    [spec] = [f for f in document().fields if f.key == "complaint_basis"]
    assert [c.key for c in spec.choices] == [
        "direct",
        "unsatisfied_after_explanation",
        "time_limit_missed",
        "poor_result",
        "network_fault",
    ]


@pytest.mark.parametrize(
    ("channel", "level"),
    [
        ("hotline", "province"),
        ("hall", "province"),
        ("online_hall", "province"),
        ("online_chat", "province"),
        ("self_service", "province"),
        ("letter", "province"),
        ("group_hotline", "group"),
        ("group_online", "group"),
        ("online_media", "group"),
        ("weibo", "group"),
        ("upgrade_hotline", "group"),
        ("group_referral", "group"),
        ("admin_12300", "regulator"),
        ("ministry", "regulator"),
        ("consumer_association", "regulator"),
    ],
)
def test_channel_level_province_group_regulator(channel: str, level: str) -> None:
    """China Telecom measures art 8(1) (seed 003): 省内渠道 / 集团渠道 (4008810000, group web
    hall, online media, Weibo); regulator referrals (12300, ministry, consumer association)."""
    assert classified(channel=channel).channel_level == level


def test_fee_disputes_are_the_billing_category() -> None:
    """order 35 art 11 treats fee disputes apart; seed 003 攻略 lists what users complain of."""
    keys = [c.key for c in document().categories]
    assert keys[0] == "billing"
    assert {"unauthorised_service", "network_quality", "installation_repair"} <= set(keys)


# --- invalid complaints: China Telecom measures art 8(2) -------------------------------


def test_invalid_complaint_anonymous() -> None:
    """China Telecom measures art 8(2) (seed 003): 投诉客户为匿名."""
    result = classified(anonymous=True)
    assert (result.validity, result.validity_reasons) == ("invalid", ["anonymous"])
    assert result.reasons[0] == "invalid (Anonymous): anonymous"


def test_invalid_complaint_not_a_customer_relationship() -> None:
    """China Telecom measures art 8(2) (seed 003): 非客户关系人."""
    result = classified(fields={**CHECKED, "direct_party": False})
    assert result.validity_reasons == ["not_party"]


def test_invalid_complaint_not_specific_enough_to_check() -> None:
    """China Telecom measures art 8(2) (seed 003): 投诉事宜不具体无法核实调查."""
    result = classified(fields={**CHECKED, "specific_enough": False})
    assert result.validity_reasons == ["not_specific"]


def test_invalid_complaint_contact_details_incomplete() -> None:
    """China Telecom measures art 8(2) (seed 003): 投诉人信息不完整无法联系."""
    result = classified(contact=False)
    assert result.validity_reasons == ["no_contact"]


def test_invalid_complaint_outside_company_or_telecom_scope() -> None:
    """China Telecom measures art 8(2) (seed 003): 投诉对象非本公司管理范畴或超出电信服务范围."""
    result = classified(fields={**CHECKED, "in_scope": False})
    assert result.validity_reasons == ["out_of_scope"]


def test_everything_else_is_a_valid_complaint() -> None:
    """China Telecom measures art 8(2): "其他情况为有效投诉" - unchecked answers included."""
    assert classified().validity == "valid"
    assert classified(fields={}).validity == "valid"


def test_every_matching_invalid_reason_is_listed() -> None:
    """China Telecom measures art 8(2): each ground is its own reason code."""
    result = classified(anonymous=True, contact=False, fields={**CHECKED, "in_scope": False})
    assert result.validity_reasons == ["anonymous", "no_contact", "out_of_scope"]


@pytest.mark.parametrize("kind", ["inquiry", "consultation", "fault"])
def test_invalid_complaint_rules_apply_to_complaints_and_appeals_only(kind: str) -> None:
    """China Telecom measures art 8(2) defines invalid *complaints*: an anonymous query at a
    self-service terminal is still a query."""
    assert classified(kind, anonymous=True, contact=False).validity == "valid"


# --- appeals: order 35 arts 10-11 ------------------------------------------------------


def test_appeal_admissible_when_every_condition_is_met() -> None:
    """order 35 art 10: direct interest, identified respondent, concrete request with facts,
    complained to the operator first and rejected its answer."""
    result = classified("appeal", "admin_12300", fields=appeal_fields(), category="billing")
    assert (result.validity, result.validity_reasons) == ("valid", [])
    assert result.channel_level == "regulator"
    assert result.tier == "general"  # an appeal at the appeal centre is not "escalated"


@pytest.mark.parametrize("respondent", [None, ""])
def test_appeal_needs_an_identified_respondent(respondent: str | None) -> None:
    """order 35 art 10(2): 有明确的被申诉人 (absent or empty is none)."""
    fields = appeal_fields(respondent=respondent)
    if respondent is None:
        del fields["respondent"]
    assert classified("appeal", fields=fields).validity_reasons == ["no_respondent"]


def test_appeal_needs_a_direct_interest_and_a_concrete_request() -> None:
    """order 35 art 10(1), 10(3): 直接利害关系; 具体的申诉请求和事实根据."""
    assert classified("appeal", fields=appeal_fields(direct_party=False)).validity_reasons == [
        "not_party"
    ]
    assert classified("appeal", fields=appeal_fields(specific_enough=False)).validity_reasons == [
        "not_specific"
    ]


@pytest.mark.parametrize("answer", ["not_made", None])
def test_appeal_needs_a_complaint_to_the_operator_first(answer: str | None) -> None:
    """order 35 art 10(4); seed 003 附3 (1) "还没有向电信业务经营者进行过投诉": not made, or
    not shown, is inadmissible."""
    fields = appeal_fields(operator_complaint=answer)
    if answer is None:
        del fields["operator_complaint"]
    assert classified("appeal", fields=fields).validity_reasons == ["operator_not_first"]


def test_appeal_waits_out_the_operators_15_days_without_answer() -> None:
    """order 35 art 10: the operator "在15日内未答复". Complained on 09-01: day 15 is 09-16,
    so an unanswered appeal is premature on 09-16 and admissible on 09-17."""
    fields = appeal_fields(operator_complaint="no_reply", operator_complaint_date="2026-09-01")
    on_day_15 = classified("appeal", fields=fields, now=sh(2026, 9, 16, 23, 59))
    on_day_16 = classified("appeal", fields=fields, now=sh(2026, 9, 17, 0, 1))
    assert on_day_15.validity_reasons == ["operator_time_running"]
    assert on_day_16.validity_reasons == []
    # A rejected answer may be appealed at once.
    rejected = appeal_fields(operator_complaint="rejected", operator_complaint_date="2026-09-10")
    assert classified("appeal", fields=rejected, now=sh(2026, 9, 11)).validity == "valid"
    # Unanswered, but no date: the 15 days cannot be shown to have passed.
    undated = appeal_fields(operator_complaint="no_reply")
    del undated["operator_complaint_date"]
    assert classified("appeal", fields=undated).validity_reasons == ["operator_time_running"]


def test_fee_dispute_appeal_inadmissible_after_5_months() -> None:
    """order 35 art 11: 收费争议 raised more than 5 months after the event. Event 03-10:
    five months end on 08-10 (a Monday); 08-11 is one day over."""
    event = sh(2026, 3, 10, 10)
    fields = appeal_fields(operator_complaint_date="2026-07-20")

    def at(now: datetime, category: str = "billing") -> list[str]:
        return classified(
            "appeal", fields=fields, category=category, occurred_at=event, now=now
        ).validity_reasons

    assert at(sh(2026, 8, 10, 23, 59)) == []
    assert at(sh(2026, 8, 11, 0, 1)) == ["time_barred"]
    # Not a fee dispute: the 2 years apply.
    assert at(sh(2026, 8, 11, 0, 1), category="network_quality") == []


def test_other_dispute_appeal_inadmissible_after_2_years() -> None:
    """order 35 art 11: any other dispute raised more than 2 years after the event."""
    event = sh(2024, 8, 12, 9)
    fields = appeal_fields(operator_complaint_date="2026-07-20")

    def at(now: datetime, category: str | None) -> list[str]:
        return classified(
            "appeal", fields=fields, category=category, occurred_at=event, now=now
        ).validity_reasons

    assert at(sh(2026, 8, 12, 20), "marketing") == []
    assert at(sh(2026, 8, 13, 8), "marketing") == ["time_barred"]
    # Without a category the appeal counts as "other", not as a fee dispute.
    assert at(sh(2026, 8, 12, 20), None) == []
    assert at(sh(2026, 8, 13, 8), None) == ["time_barred"]


def test_admissibility_windows_do_not_apply_to_complaints_to_the_operator() -> None:
    """order 35 art 11 limits appeals; a complaint to the operator is not time-barred."""
    result = classified(category="billing", occurred_at=sh(2025, 1, 1), now=NOW)
    assert result.validity == "valid"


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("settled", "already_settled"),
        ("handled_by_appeal_body", "already_handled"),
        ("before_other_body", "before_other_body"),
    ],
)
def test_appeal_inadmissible_when_settled_handled_or_before_another_body(
    flag: str, reason: str
) -> None:
    """order 35 art 11: settled and carried out; already accepted or handled by an appeal
    body; before a court, arbitration, consumer organisation or other agency."""
    assert classified("appeal", fields=appeal_fields(**{flag: True})).validity_reasons == [reason]
    assert classified("complaint", fields={**CHECKED, flag: True}).validity == "valid"


# --- tiers --------------------------------------------------------------------------


def test_huge_bill_is_important_from_5_times_the_3_month_average() -> None:
    """电信条例 art 33: a charge "超过此前三个月平均电信费用5倍以上" (以上 includes 5, Civil
    Code art 1259), used as a tier criterion."""
    below = classified(fields={**CHECKED, "bill_amount": 499.99, "average_bill_3m": 100})
    at_five = classified(fields={**CHECKED, "bill_amount": 500, "average_bill_3m": 100})
    assert below.tier == "general"
    assert (at_five.tier, at_five.reasons) == (
        "important",
        ["charge at least 5x the 3-month average (huge bill)"],
    )
    # 50.30 / 10.06 is a hair under 5 in floating point; the fact is rounded.
    in_cents = classified(fields={**CHECKED, "bill_amount": 50.30, "average_bill_3m": 10.06})
    assert in_cents.tier == "important"


def test_huge_bill_needs_an_average_to_compare_with() -> None:
    """电信条例 art 33 compares with the previous 3 months: no history, no huge bill."""
    assert classified(fields={**CHECKED, "bill_amount": 900, "average_bill_3m": 0}).tier == (
        "general"
    )
    assert classified(fields={**CHECKED, "bill_amount": 900}).tier == "general"


def test_repeat_complaint_is_important() -> None:
    """Branch measures 重复投诉 (seed 003); Guangxi's 重复投诉监控预警 (seed 003)."""
    first = classified()
    again = classified(prior=(NOW - timedelta(days=3),))
    assert first.tier == "general"
    assert (again.tier, again.reasons) == ("important", ["repeat complaint"])


def test_repeat_complaint_records_why_the_result_was_rejected() -> None:
    """Branch measures 重复投诉 ⑵ (seed 003): a new ticket recording why the customer rejects
    the earlier result."""
    specs = document().fields
    assert validate_fields({"dissatisfaction_reason": "只退了一半费用"}, specs) == {}
    assert validate_fields({"dissatisfaction_reason": "长" * 501}, specs) == {
        "dissatisfaction_reason": "must be at most 500 characters"
    }


@pytest.mark.parametrize(
    ("flag", "reason"), [("media_involved", "media involved"), ("batch", "batch complaint")]
)
def test_major_complaint_media_or_batch(flag: str, reason: str) -> None:
    """seed 000 Ⅷ (major impact on business or reputation); branch measures 重大投诉 and
    批量投诉 (seed 003)."""
    result = classified(fields={**CHECKED, flag: True})
    assert (result.tier, result.reasons) == ("major", [reason])


@pytest.mark.parametrize("channel", REFERRALS)
def test_escalated_complaint_referred_by_a_higher_body(channel: str) -> None:
    """Branch measures 升级投诉 (seed 003): referred from the ministry, group HQ, the
    administration or the consumer association; seed 000 Ⅸ: the HQ upgrade line."""
    result = classified(channel=channel)
    assert (result.tier, result.reasons) == (
        "escalated",
        ["referred by a higher body or raised over our heads"],
    )


@pytest.mark.parametrize("channel", ["hotline", "hall", "group_hotline", "weibo"])
def test_ordinary_channels_are_not_escalated(channel: str) -> None:
    """Branch measures 升级投诉: only referrals; a group-channel complaint is not one."""
    assert classified(channel=channel).tier == "general"


def test_going_over_our_heads_is_escalated() -> None:
    """Branch measures (seed 003): 越级投诉记录和有越级倾向的客户投诉 - high attention."""
    result = classified(fields={**CHECKED, "over_head_tendency": True})
    assert result.tier == "escalated"


def test_tiers_most_severe_first() -> None:
    """A referred media complaint is major; a referred huge bill is escalated."""
    media = classified(channel="admin_12300", fields={**CHECKED, "media_involved": True})
    huge = classified(
        channel="admin_12300", fields={**CHECKED, "bill_amount": 800, "average_bill_3m": 100}
    )
    assert (media.tier, huge.tier) == ("major", "escalated")


# --- deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_milestones_per_kind(tier: str) -> None:
    """Each kind gets the deadlines its rule sets, in every tier; queries and
    consultations have none in the sources."""
    policy = document()
    rules = next(t.milestones for t in policy.tiers if t.key == tier)
    by_kind = {
        kind: sorted(m.name for m in rules if not m.kinds or kind in m.kinds)
        for kind in policy.kinds
    }
    forward = ["forward"] if tier == "escalated" else []
    assert by_kind == {
        "inquiry": forward,
        "consultation": forward,
        "fault": sorted([*forward, "repair"]),
        "complaint": sorted([*forward, "first_response", "reply"]),
        "appeal": sorted([*forward, "accept", "reply"]),
    }


def test_first_answer_within_48_hours() -> None:
    """China Mobile's service commitment (seed 003 攻略): "48小时内首次答复" - wall clock,
    through National Day."""
    result = due("general", "complaint", "first_response", sh(2026, 9, 30, 10))
    assert local(result) == sh(2026, 10, 2, 10)
    assert not result.provisional


def test_operator_answers_within_15_days() -> None:
    """order 35 art 10 (15 days); Civil Code arts 201, 203: day 1 is the next day, a last
    day on a rest day moves to the next working day. 09-15 + 15 = 09-30, a working day;
    09-16 + 15 = 10-01, National Day, so the answer is due by the end of 10-08."""
    assert local(due("general", "complaint", "reply", sh(2026, 9, 15, 16))) == sh(2026, 10, 1)
    assert local(due("general", "complaint", "reply", sh(2026, 9, 16, 9))) == sh(2026, 10, 9)


def test_answer_due_on_a_make_up_working_saturday() -> None:
    """Calendar 2026: Sat 10-10 is a working day (调休), so a period ending on it ends there;
    so does Sat 02-14 before Spring Festival."""
    assert local(due("important", "complaint", "reply", sh(2026, 9, 25, 11))) == sh(2026, 10, 11)
    assert local(due("important", "complaint", "reply", sh(2026, 1, 30, 11))) == sh(2026, 2, 15)


def test_answer_over_spring_festival() -> None:
    """Calendar 2026: Feb 15-23 off; a 15-day answer ending on 02-16 moves to Tue 02-24."""
    assert local(due("general", "complaint", "reply", sh(2026, 2, 1, 9))) == sh(2026, 2, 25)


def test_answer_reaching_into_2027_is_provisional() -> None:
    """stack.md, Calendars: 2027's schedule is not published; 12-25 + 15 = Sat 2027-01-09,
    moved to Mon 01-11, provisional until the schedule is imported."""
    result = due("general", "complaint", "reply", sh(2026, 12, 25, 10))
    assert local(result) == sh(2027, 1, 12)
    assert result.provisional
    assert not due("general", "complaint", "reply", sh(2026, 12, 1, 10)).provisional


@pytest.mark.parametrize("tier", ["major", "escalated"])
def test_referring_bodys_deadline_may_shorten_the_answer_only(tier: str) -> None:
    """Branch measures 升级投诉 ⑵ (seed 003): the referral's deadline is written on the
    ticket; order 35 art 10 still caps the answer at 15 days."""
    created = sh(2026, 9, 1, 10)
    sooner = sh(2026, 9, 8, 17)
    assert local(due(tier, "complaint", "reply", created, requested=sooner)) == sooner
    later = sh(2026, 9, 30, 17)
    assert local(due(tier, "complaint", "reply", created, requested=later)) == sh(2026, 9, 17)
    assert local(due(tier, "complaint", "reply", created)) == sh(2026, 9, 17)


def test_escalated_complaint_dispatched_within_24_hours_every_day() -> None:
    """Branch measures 升级投诉 ⑴⑵ (seed 003): a desk staffed 365 x 8 h, 迅速派单 - the clock
    runs through National Day."""
    policy = document()
    rule = milestone(policy, "escalated", "complaint", "forward")
    assert rule.met_by is None  # the core meets "forward" by assigning
    assert local(due("escalated", "complaint", "forward", sh(2026, 10, 1, 9))) == sh(2026, 10, 2, 9)


@pytest.mark.parametrize("tier", TIERS)
def test_fault_repaired_within_48_hours_in_towns(tier: str) -> None:
    """电信条例 art 32: 48 hours in towns, holidays included (a batch outage is major)."""
    assert local(due(tier, "fault", "repair", sh(2026, 9, 30, 18))) == sh(2026, 10, 2, 18)


def test_appeal_acceptance_within_5_working_days() -> None:
    """order 35 art 14: acceptance decided within 5 working days; National Day off, Sat 10-10
    worked (Oct 8, 9, 10, 12, 13); Spring Festival off, Sat 02-14 and 02-28 worked."""
    rule = milestone(document(), "general", "appeal", "accept")
    assert (rule.pausable, rule.met_by) == (True, ["accept"])
    assert local(due("general", "appeal", "accept", sh(2026, 9, 30, 10))) == sh(2026, 10, 14)
    assert local(due("general", "appeal", "accept", sh(2026, 2, 12, 10))) == sh(2026, 2, 27)
    assert local(due("general", "appeal", "accept", sh(2026, 2, 13, 10))) == sh(2026, 2, 28)
    assert local(due("general", "appeal", "accept", sh(2026, 2, 24, 10))) == sh(2026, 3, 3)


def test_appeal_answered_within_30_days_of_acceptance() -> None:
    """order 35 art 14; 电信条例 art 39: 30 days from complete materials (acceptance)."""
    assert milestone(document(), "general", "appeal", "reply").start == "accepted"
    assert local(due("general", "appeal", "reply", sh(2026, 8, 31, 15))) == sh(2026, 10, 1)
    assert local(due("general", "appeal", "reply", sh(2026, 9, 1, 15))) == sh(2026, 10, 9)


def test_callback_within_3_days_of_resolution() -> None:
    """seed 003 (回访规范: 三天之内回访; call-centre script): resolved on 09-30, day 3 is
    10-03 (National Day), so the call is due by the end of 10-08."""
    rule = document().callback
    assert rule is not None
    within = Duration(rule.within.amount, Unit(rule.within.unit))
    assert within == Duration(3, Unit.CALENDAR_DAYS)
    assert rule.after.amount > 0
    resolved = sh(2026, 9, 30, 15)
    assert compute_due(resolved, within, calendar()).due_at == sh(2026, 10, 9).astimezone(UTC)
    # Resolved 09-24: day 3 is Sunday 09-27, so Monday 09-28 ends it.
    earlier = compute_due(sh(2026, 9, 24, 15), within, calendar()).due_at
    assert earlier.astimezone(SHANGHAI) == sh(2026, 9, 29)


def test_escalation_chain_operator_hq_administration_ministry() -> None:
    """order 35 art 9; seed 003 攻略 投诉流程; seed 000 Ⅸ (HQ upgrade line 10015)."""
    policy = document()
    chain = [(level.key, level.department) for level in policy.escalation_chain]
    assert chain == [
        ("branch", "branch_service"),
        ("operator_hq", "hq_upgrade"),
        ("provincial_admin", "provincial_admin"),
        ("ministry", "miit"),
    ]
    targets = {tier.key: tier.escalation_target for tier in policy.tiers}
    assert targets == {
        "major": "operator_hq",
        "escalated": "operator_hq",
        "important": "branch",
        "general": "branch",
    }


def test_statutory_deadlines_have_no_extension() -> None:
    """order 35 art 10 and art 14 set the periods without any extension."""
    assert all(tier.extension is None for tier in document().tiers)


def test_referral_deadline_never_lengthens_and_warning_share() -> None:
    """order 35 art 10 binds whatever a referral says; warn_at_share is the core's default."""
    policy = document()
    assert policy.requested_deadline_may_lengthen is False
    assert policy.warn_at_share == 0.8


# --- derived facts and the schema ----------------------------------------------------


def test_derived_facts_bill_ratio_and_days_since_operator_complaint() -> None:
    """电信条例 art 33 (ratio); order 35 art 10 (days, on the tenant's local calendar date)."""
    late_evening_utc = datetime(2026, 9, 16, 17, 0, tzinfo=UTC)  # 09-17 01:00 in Shanghai
    fields = {"bill_amount": 1200, "average_bill_3m": 80, "operator_complaint_date": "2026-09-01"}
    facts = derived_facts(fields, late_evening_utc, "Asia/Shanghai")
    assert facts == {"bill_ratio": 15.0, "days_since_operator_complaint": 16}
    in_utc = derived_facts(fields, late_evening_utc, "UTC")
    assert in_utc["days_since_operator_complaint"] == 15
    assert derived_facts({"bill_amount": True, "average_bill_3m": 1}, NOW, "UTC") == {}
    assert derived_facts({"operator_complaint_date": "2026-9-1"}, NOW, "UTC") == {}


def test_schema_rejects_a_field_named_like_a_derived_fact() -> None:
    """The derived facts are declared by the schema (fact_types); a field may not hide one."""
    raw = default_policy()
    raw["fields"].append({"key": "bill_ratio", "label": {"en": "x", "zh": "x"}, "type": "number"})
    with pytest.raises(PolicyInvalid) as error:
        document(raw)
    paths = [problem.path for problem in error.value.problems]
    assert paths == [f"fields[{len(raw['fields']) - 1}].key"]


def test_schema_rejects_a_derived_fact_without_its_fields() -> None:
    """bill_ratio is computed from bill_amount and average_bill_3m: testing it without them
    would never match, so the document says so where the fact is tested."""
    raw = default_policy()
    raw["fields"] = [f for f in raw["fields"] if f["key"] != "average_bill_3m"]
    with pytest.raises(PolicyInvalid) as error:
        document(raw)
    [problem] = error.value.problems
    assert problem.path == "tiers[2].when.any[0].field"
    assert "'average_bill_3m'" in problem.message


# --- presets ------------------------------------------------------------------------


@pytest.mark.parametrize("preset", presets(), ids=lambda p: p.key)
def test_preset_validates_and_leaves_its_input_alone(preset: PolicyPreset) -> None:
    """Each documented alternative gives a valid, changed copy."""
    original = default_policy()
    kept = copy.deepcopy(original)
    changed = preset.apply(original)
    assert original == kept
    assert changed != original
    document(changed)


def test_order7_preset_answers_within_15_working_days() -> None:
    """order 7 (2001) art 8, "15个工作日内答复" (seed 003): 09-28 + 15 working days skips
    National Day and counts Sat 10-10: due by the end of 10-23 instead of 10-13."""
    [preset] = [p for p in presets() if p.key == "order7_reply_15_working_days"]
    policy = document(preset.apply(default_policy()))
    created = sh(2026, 9, 28, 10)
    assert local(due("general", "complaint", "reply", created)) == sh(2026, 10, 14)
    assert local(due("general", "complaint", "reply", created, policy=policy)) == sh(2026, 10, 24)
    # The referral tiers keep the referring body's deadline, over the new default.
    assert local(due("escalated", "complaint", "reply", created, policy=policy)) == sh(2026, 10, 24)
    assert milestone(policy, "general", "appeal", "reply").duration.amount == 30


def test_rural_repair_preset_allows_72_hours() -> None:
    """电信条例 art 32: 72 hours in rural areas."""
    [preset] = [p for p in presets() if p.key == "rural_repair_72_hours"]
    policy = document(preset.apply(default_policy()))
    for tier in TIERS:
        assert local(due(tier, "fault", "repair", sh(2026, 9, 30, 18), policy=policy)) == sh(
            2026, 10, 3, 18
        )
    assert local(
        due("general", "complaint", "first_response", sh(2026, 9, 30, 18), policy=policy)
    ) == sh(2026, 10, 2, 18)


# --- demo tickets -------------------------------------------------------------------


def _classify_body(body: dict[str, Any], now: datetime) -> Classification:
    customer = body["customer"]
    return classified(
        body["kind"],
        body["channel"],
        fields=body["fields"],
        now=now,
        anonymous=customer["anonymous"],
        contact=bool(customer["phone"] or customer["email"]),
        category=body["category"],
        occurred_at=body["occurred_at"],
    )


def test_demo_tickets_fit_the_document_and_the_api() -> None:
    """design.md, The public JSON API: each body is a valid ticket creation body."""
    now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    policy = document()
    channels = {c.key for c in policy.channels}
    categories = {c.key for c in policy.categories}
    bodies = demo_tickets(now, 45)
    assert len(bodies) == 45
    for body in bodies:
        TicketIn.model_validate(body)
        assert validate_fields(body["fields"], policy.fields) == {}, body["subject"]
        assert body["kind"] in policy.kinds and body["channel"] in channels
        assert body["category"] is None or body["category"] in categories
        assert body["occurred_at"].utcoffset() is not None and body["occurred_at"] < now
        assert body["requested_due_at"] is None or body["requested_due_at"] > now
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["description"])
        _classify_body(body, now)


def test_demo_tickets_show_the_tiers_and_invalid_reasons() -> None:
    """The demo shows every tier but the repeat (which needs earlier tickets) and the
    complaint and appeal rules."""
    now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    results = [_classify_body(body, now) for body in demo_tickets(now, 20)]
    assert {r.tier for r in results} == set(TIERS)
    reasons = {reason for r in results for reason in r.validity_reasons}
    assert reasons == {
        "anonymous",
        "no_contact",
        "out_of_scope",
        "not_specific",
        "time_barred",
        "operator_time_running",
        "already_settled",
        "operator_not_first",
    }
    assert {r.channel_level for r in results} == {"province", "group", "regulator"}


def test_demo_tickets_are_deterministic() -> None:
    """The same moment and count give the same tickets; any count is honoured."""
    assert demo_tickets(NOW, 30) == demo_tickets(NOW, 30)
    assert demo_tickets(NOW, 0) == []
    assert len(demo_tickets(NOW, 7)) == 7
    assert demo_tickets(NOW, 5) == demo_tickets(NOW, 30)[:5]


# --- through the core's intake -------------------------------------------------------


@pytest.fixture
def branch(app: Any) -> Tenant:
    return make_tenant("telecom-branch", sector="telecom")


def _open(tenant: Tenant, body: dict[str, Any], now: datetime) -> Ticket:
    with tenant_scope(db.session, tenant.id):
        return open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=now)


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "channel": "hall",
        "subject": "当月话费异常高额",
        "description": "客户反映本月话费为此前三个月月均的六倍，要求核实。",
        "customer": {"name": "周敏", "phone": "13900001111", "anonymous": False},
        "category": "billing",
        "fields": {**CHECKED, "bill_amount": 600, "average_bill_3m": 100},
        "occurred_at": sh(2026, 9, 10, 12),
    }
    return {**body, **changes}


def test_intake_classifies_and_sets_deadlines_with_the_telecom_hooks(branch: Tenant) -> None:
    """The huge-bill rule (电信条例 art 33) through the registry's derived-facts hook, and
    order 35's 15 days on the tenant's calendar (09-16 + 15 = 10-01, moved to 10-08)."""
    ticket = _open(branch, _body(), sh(2026, 9, 16, 9))
    assert (ticket.tier, ticket.channel_level) == ("important", "province")
    due_at = {m.name: m.due_at.astimezone(SHANGHAI) for m in ticket.milestones}
    assert due_at == {"first_response": sh(2026, 9, 18, 9), "reply": sh(2026, 10, 9)}


def test_intake_applies_the_rules_scoped_to_kinds(branch: Tenant) -> None:
    """China Telecom measures art 8(2) (anonymous is invalid) and the escalated tier of a
    12300 referral (branch measures 升级投诉), both scoped by kind, through the intake."""
    anonymous = _open(
        branch, _body(customer={"phone": "13900002222", "anonymous": True}), sh(2026, 9, 16, 9)
    )
    assert anonymous.validity_reasons == ["anonymous"]
    referral = _open(
        branch,
        _body(channel="admin_12300", fields=CHECKED, requested_due_at=sh(2026, 9, 20, 17)),
        sh(2026, 9, 16, 9),
    )
    assert referral.tier == "escalated"
    [reply] = [m for m in referral.milestones if m.name == "reply"]
    assert reply.due_at.astimezone(SHANGHAI) == sh(2026, 9, 20, 17)
