"""The retail sector's rules (docs/sectors.md), through the public engine.

Each test names the rule it checks and cites its source. Tickets are classified with
``classify(compile_policy(validate_policy(document, RetailPolicy)), facts)`` and their
deadlines computed with ``compute_due`` on the 2026 statutory calendar (2027 loaded as
the library's provisional extrapolation), in Asia/Shanghai.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plugins import retail
from plugins.retail.demo import demo_tickets
from plugins.retail.facts import derived_facts, return_period_end
from plugins.retail.model import RetailPolicy
from plugins.retail.policy import default_policy
from plugins.retail.presets import PRESETS
from portal.extensions import db
from portal.plugins import build_registry, sectors
from portal.policy.calendar import WorkingCalendar, YearStatus, statutory_year_from_library
from portal.policy.classify import Classification, TicketFacts, classify, compile_policy
from portal.policy.deadlines import Due, Duration, Unit, compute_due
from portal.policy.document import Locale, PolicyInvalid, validate_fields, validate_policy
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import make_tenant

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
RETURN_CATEGORIES = ["return_in_store", "return_no_defect", "return_defect"]


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@cache
def calendar() -> WorkingCalendar:
    years = (statutory_year_from_library(2026), statutory_year_from_library(2027))
    return WorkingCalendar(years, time_zone="Asia/Shanghai")


@cache
def default_document() -> RetailPolicy:
    return validate_policy(default_policy(), RetailPolicy)


def preset(key: str) -> RetailPolicy:
    found = next(p for p in PRESETS if p.key == key)
    return validate_policy(found.apply(default_policy()), RetailPolicy)


def ticket(
    document: RetailPolicy | None = None,
    *,
    kind: str = "complaint",
    channel: str = "store",
    category: str | None = "other",
    fields: Mapping[str, object] | None = None,
    now: datetime = NOW,
    anonymous: bool = False,
    has_contact: bool = True,
    occurred_at: datetime | None = None,
    prior: Sequence[datetime] = (),
    locale: Locale = "en",
) -> Classification:
    """Classify a ticket as the intake does: its fields plus the sector's derived facts.
    A complaint records a request unless ``fields`` says otherwise."""
    given = {"request": "refund", **(fields or {})}
    given = {key: value for key, value in given.items() if value is not None}
    return classify(
        compile_policy(document or default_document()),
        TicketFacts(
            kind=kind,
            channel=channel,
            category=category,
            fields={**given, **derived_facts(given, now)},
            now=now,
            customer_anonymous=anonymous,
            has_contact=has_contact,
            occurred_at=occurred_at,
            prior_complaints=prior,
            locale=locale,
        ),
    )


def due_of(
    tier: str,
    start: datetime,
    *,
    kind: str = "complaint",
    requested: datetime | None = None,
    document: RetailPolicy | None = None,
) -> dict[str, Due]:
    """The due time of each milestone ``tier`` sets for a ``kind`` ticket from ``start``."""
    document = document or default_document()
    rules = next(t for t in document.tiers if t.key == tier).milestones
    dues = {}
    for rule in rules:
        if rule.kinds and kind not in rule.kinds:
            continue
        default = rule.default
        dues[rule.name] = compute_due(
            start,
            Duration(rule.duration.amount, Unit(rule.duration.unit)),
            calendar(),
            requested_due_at=requested,
            requested_may_lengthen=document.requested_deadline_may_lengthen,
            default=Duration(default.amount, Unit(default.unit)) if default else None,
        )
    return dues


def local_dues(tier: str, start: datetime, **options: Any) -> dict[str, datetime]:
    return {
        name: due.due_at.astimezone(SHANGHAI)
        for name, due in due_of(tier, start, **options).items()
    }


# --- the document -----------------------------------------------------------------------


def test_default_policy_validates_and_survives_storage() -> None:
    """The default is a complete retail document; a stored version (dumped to JSON
    without nulls, as save_version does) reads back the same."""
    document = default_document()
    assert [t.key for t in document.tiers] == ["major", "important", "general"]
    assert document.default_tier == "general"
    stored = document.model_dump(mode="json", exclude_none=True)
    assert validate_policy(stored, RetailPolicy) == document


def test_default_policy_is_a_fresh_copy_each_time() -> None:
    """Callers (the admin, the presets) change the copy they get, and only that part."""
    first = default_policy()
    first["tiers"][0]["milestones"][1]["duration"]["amount"] = 48  # major's reply
    assert first["tiers"][1]["milestones"][1]["duration"]["amount"] == 24
    first["tiers"].clear()
    assert default_policy()["tiers"]


def _labels(node: object) -> Iterator[object]:
    """Every label of a document: the values under "label" and the procedures' steps."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "label":
                yield value
            elif key == "steps":
                yield from value
            else:
                yield from _labels(value)
    elif isinstance(node, list):
        for item in node:
            yield from _labels(item)


def test_every_label_has_en_and_zh() -> None:
    """design.md: labels en + zh everywhere (fields, choices, reasons, criteria, tiers,
    milestones, chain, guidance)."""
    labels = list(_labels(default_policy()))
    assert len(labels) > 100
    for found in labels:
        assert isinstance(found, dict) and set(found) == {"en", "zh"}, found
        assert found["en"].strip() and found["zh"].strip(), found
        assert any("\u4e00" <= ch <= "\u9fff" for ch in found["zh"]), found


def test_warn_at_share_and_kinds() -> None:
    """Retail takes inquiries, consultations and complaints; no appeal body inside the
    company (a rejected answer goes to 12315 and comes back as a referral)."""
    document = default_document()
    assert document.kinds == ["inquiry", "consultation", "complaint"]
    assert document.warn_at_share == 0.8


# --- the plugin contract ----------------------------------------------------------------


def test_the_sector_loads_through_its_entry_point_and_answers_every_hook() -> None:
    registry = build_registry()
    assert "retail" in registry.loaded(), registry.errors.get("retail")
    info = registry.call("retail", "sector_info")
    assert (info.key, info.name_en, info.name_zh, info.version) == (
        "retail",
        "Retail",
        "零售",
        retail.__version__,
    )
    assert retail.__version__ == "1.0.0"
    model = registry.call("retail", "sector_policy_model")
    assert model is RetailPolicy
    document = validate_policy(registry.call("retail", "sector_default_policy"), model)
    assert document == default_document()
    for timezone in ("Asia/Shanghai", "America/Los_Angeles"):  # consumer law counts China's days
        facts = registry.call(
            "retail",
            "sector_derived_facts",
            fields={"received_on": "2026-08-28", "sales_mode": "distance"},
            kind="complaint",
            occurred_at=None,
            now=NOW,
            timezone=timezone,
        )
        assert facts == {"days_since_receipt": 4, "statutory_return_right": True}
    keys = [p.key for p in registry.call("retail", "sector_policy_presets")]
    assert keys == ["resolve_within_24_hours", "score_by_points", "requested_deadline_may_lengthen"]
    demo = registry.call("retail", "sector_demo_tickets", now=NOW, count=3)
    assert len(demo) == 3


# --- channel levels (seed 000 §Ⅷ art 2) --------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "level"),
    [
        ("store", "store"),
        ("phone", "headquarters"),
        ("callback_check", "headquarters"),
        ("web", "headquarters"),
        ("app", "headquarters"),
        ("email", "headquarters"),
        ("letter", "headquarters"),
        ("media", "headquarters"),
        ("regulator", "regulator"),
        ("consumer_association", "regulator"),
    ],
)
def test_channel_levels_store_headquarters_regulator(channel: str, level: str) -> None:
    """seed 000 §Ⅷ art 2: the store; calls to headquarters and callback findings go to
    the big-customer department; 12315, the market regulator and the consumer
    association refer from outside."""
    assert ticket(channel=channel).channel_level == level


# --- validity (SAMR order 20 arts 9, 15; seed 000 §Ⅷ) -----------------------------------


def test_a_complete_complaint_is_valid() -> None:
    """SAMR order 20 art 9: named, reachable, with a request."""
    result = ticket()
    assert (result.validity, result.validity_reasons) == ("valid", [])


def test_invalid_anonymous() -> None:
    """SAMR order 20 art 9: a complaint gives the complainant's name."""
    result = ticket(anonymous=True, locale="zh")
    assert (result.validity, result.validity_reasons) == ("invalid", ["anonymous"])
    assert "无效（匿名投诉）：投诉人未提供姓名" in result.reasons


def test_invalid_no_contact() -> None:
    """SAMR order 20 art 9 (phone, address); seed 000 §Ⅷ art 3 item 4: keep the
    customer's contact details."""
    result = ticket(has_contact=False)
    assert (result.validity, result.validity_reasons) == ("invalid", ["no_contact"])


def test_an_anonymous_complaint_without_contact_gives_both_reasons() -> None:
    result = ticket(anonymous=True, has_contact=False)
    assert result.validity_reasons == ["anonymous", "no_contact"]


@pytest.mark.parametrize(
    "request_", ["refund", "exchange", "repair", "compensation", "apology", "explanation", "other"]
)
def test_invalid_no_request_only_when_none_is_recorded(request_: str) -> None:
    """SAMR order 20 art 9: a concrete request. Any recorded request will do."""
    assert ticket(fields={"request": request_}).validity == "valid"
    missing = ticket(fields={"request": None})
    assert (missing.validity, missing.validity_reasons) == ("invalid", ["no_request"])


def test_no_request_stays_robust_when_an_admin_adds_a_request_choice() -> None:
    """The "has a request" test holds for choices the default does not know."""
    document = default_policy()
    request = next(f for f in document["fields"] if f["key"] == "request")
    request["choices"].append({"key": "gift_card", "label": {"en": "Gift card", "zh": "购物卡"}})
    tuned = validate_policy(document, RetailPolicy)
    assert ticket(tuned, fields={"request": "gift_card"}).validity == "valid"


def test_invalid_time_barred_after_exactly_three_years() -> None:
    """SAMR order 20 art 15 and Civil Code art 188: 3 years. The event's day is not
    counted (art 201) and day 3 years is still within (art 1259)."""
    occurred = sh(2023, 9, 1, 10)
    on_the_last_day = ticket(occurred_at=occurred, now=sh(2026, 9, 1, 23, 59))
    assert on_the_last_day.validity == "valid"
    one_day_over = ticket(occurred_at=occurred, now=sh(2026, 9, 2, 0, 0))
    assert (one_day_over.validity, one_day_over.validity_reasons) == ("invalid", ["time_barred"])


def test_invalid_not_consumer() -> None:
    """消费者权益保护法 art 2, seed 000 §Ⅰ: a consumer buys for daily life; SAMR order 20
    art 15 refuses the rest."""
    result = ticket(fields={"business_purchase": True})
    assert result.validity_reasons == ["not_consumer"]
    assert ticket(fields={"business_purchase": False}).validity == "valid"


def test_invalid_not_our_sale() -> None:
    """seed 000 §Ⅷ art 3 items 3.1 c, 3.3 a-b: check the goods were sold by this store."""
    result = ticket(category="return_defect", fields={"sale_record": "not_found"})
    assert result.validity_reasons == ["not_our_sale"]
    assert ticket(category="return_defect", fields={"sale_record": "matched"}).validity == "valid"


@pytest.mark.parametrize("kind", ["inquiry", "consultation"])
def test_invalid_rules_apply_to_complaints_only(kind: str) -> None:
    """An anonymous question is not an invalid complaint: it is no complaint at all."""
    result = ticket(kind=kind, anonymous=True, has_contact=False, fields={"request": None})
    assert result.validity == "valid"


# --- the major tier (seed 002 §3) ----------------------------------------------------------


def test_major_from_5000_yuan_inclusive() -> None:
    """seed 002 §3 "违法金额...5000元以上"; "以上" includes 5,000 (Civil Code art 1259)."""
    assert ticket(fields={"amount": 4999.99}).tier == "general"
    assert ticket(fields={"amount": 4999}).tier == "general"
    major = ticket(fields={"amount": 5000}, locale="zh")
    assert major.tier == "major"
    assert major.reasons == ["投诉", "涉及金额5000元以上"]


@pytest.mark.parametrize("flag", ["personal_injury", "serious_consequences", "group_harm"])
def test_major_personal_injury_serious_consequences_or_group_harm(flag: str) -> None:
    """seed 002 §3: personal injury or other serious consequences; a batch of
    consumers harmed by the same business act."""
    assert ticket(fields={flag: True}).tier == "major"
    assert ticket(fields={flag: False}).tier == "general"


def test_major_beats_important() -> None:
    """Tiers are tried most severe first."""
    result = ticket(channel="regulator", fields={"amount": 8000})
    assert result.tier == "major"


@pytest.mark.parametrize("kind", ["inquiry", "consultation"])
def test_tier_criteria_judge_complaints_only(kind: str) -> None:
    """An inquiry about a 6,000-yuan television is not a major complaint."""
    result = ticket(
        kind=kind, channel="regulator", fields={"amount": 6000, "personal_injury": True}
    )
    assert result.tier == "general"
    assert set(local_dues("general", NOW, kind=kind)) == {"reply"}


def test_major_deadlines_over_national_day() -> None:
    """seed 002 §2 (same day to the top, solved within 10 days), seed 000 §Ⅷ art 3 item
    4 (answer within 24 hours); 2026 National Day Oct 1-7, make-up Sat Oct 10."""
    assert local_dues("major", sh(2026, 9, 30, 18)) == {
        # After closing: the next close is after the holiday.
        "forward": sh(2026, 10, 8, 17, 30),
        # Wall-clock hours: stores open on holidays.
        "reply": sh(2026, 10, 1, 18),
        # Day 10 is Sat Oct 10, a make-up working day: the period ends there.
        "resolve": sh(2026, 10, 11),
    }
    # Day 10 is Sun Oct 11: the period runs to Monday (Civil Code art 203).
    assert local_dues("major", sh(2026, 10, 1, 9))["resolve"] == sh(2026, 10, 13)


def test_major_forward_same_day_and_on_the_make_up_saturday() -> None:
    """seed 002 §2: to the top the same day, i.e. by that day's close."""
    assert local_dues("major", sh(2026, 10, 9, 10))["forward"] == sh(2026, 10, 9, 17, 30)
    assert local_dues("major", sh(2026, 10, 9, 18))["forward"] == sh(2026, 10, 10, 17, 30)


def test_major_resolve_over_spring_festival() -> None:
    """seed 002 §2 (10 days); Spring Festival 2026: Feb 15-23 off, make-up Feb 14, 28."""
    assert local_dues("major", sh(2026, 2, 4, 10))["resolve"] == sh(2026, 2, 15)
    assert local_dues("major", sh(2026, 2, 5, 10))["resolve"] == sh(2026, 2, 25)


# --- the important tier (seed 000 §Ⅷ; sector-rules, across sectors) ---------------------


@pytest.mark.parametrize(
    ("channel", "fields"),
    [
        ("regulator", {}),  # 12315 / market regulator referral
        ("consumer_association", {}),
        ("media", {}),  # escalated from the media
        ("store", {"media_involved": True}),
        ("store", {"beyond_store_authority": True}),  # seed 000 §Ⅷ art 2 item 2
        ("store", {"threat_to_staff": True}),  # seed 000 §Ⅷ art 3 item 4
        ("store", {"fraud_alleged": True}),  # 消费者权益保护法 art 55
    ],
)
def test_important_escalated_or_beyond_the_store(channel: str, fields: dict[str, Any]) -> None:
    """sector-rules, across sectors: an escalated complaint (regulator, consumer
    association, media) raises the tier; seed 000 §Ⅷ: what the store cannot settle."""
    result = ticket(channel=channel, fields=fields)
    assert result.tier == "important"
    assert ticket(channel="store").tier == "general"


def test_important_repeat_complaint() -> None:
    """seed 000 §Ⅷ art 3 item 3.2 c: a customer the store could not satisfy goes up;
    sector-rules, across sectors: repeat complaints."""
    assert ticket(prior=[NOW - timedelta(days=3)]).tier == "important"
    assert ticket(prior=[]).tier == "general"


def test_threats_are_flagged_and_raise_the_tier() -> None:
    """seed 000 §Ⅷ art 3 item 4: threats to staff, property or business: police at once
    and the manager alerted (the alert itself waits for the notification hooks)."""
    fields = {spec.key: spec for spec in default_document().fields}
    assert fields["threat_to_staff"].type == "boolean"
    result = ticket(fields={"threat_to_staff": True}, locale="zh")
    assert result.reasons == ["投诉", "威胁员工人身、财产安全或正常经营"]


def test_important_forward_within_one_business_hour_over_spring_festival() -> None:
    """seed 002 §2: forwarded within 1 hour, in the office hours of the big-customer
    department; Sat Feb 14 2026 is a make-up working day, Feb 15-23 are off."""
    assert local_dues("important", sh(2026, 2, 12, 10))["forward"] == sh(2026, 2, 12, 11)
    assert local_dues("important", sh(2026, 2, 13, 17))["forward"] == sh(2026, 2, 14, 9, 30)
    assert local_dues("important", sh(2026, 2, 14, 17))["forward"] == sh(2026, 2, 24, 9, 30)


def test_important_resolve_in_3_days_ending_on_the_make_up_day() -> None:
    """seed 002 §2: solved within 3 days; a period ending on a rest day runs to the next
    working day (Civil Code art 203), a make-up Saturday is a working day."""
    assert local_dues("important", sh(2026, 2, 11, 10))["resolve"] == sh(2026, 2, 15)
    assert local_dues("important", sh(2026, 2, 12, 10))["resolve"] == sh(2026, 2, 25)


def test_important_referral_deadline_may_only_shorten() -> None:
    """sector-rules, across sectors: an escalated complaint carries the referring body's
    deadline; by default it may shorten the 3 days but not lengthen them."""
    start = sh(2026, 9, 1, 10)
    assert local_dues("important", start, requested=sh(2026, 9, 2, 12))["resolve"] == sh(
        2026, 9, 2, 12
    )
    assert local_dues("important", start, requested=sh(2026, 9, 20))["resolve"] == sh(2026, 9, 5)


# --- the statutory return period (消费者权益保护法 arts 24, 25) ----------------------------


def test_statutory_return_right_ends_after_day_7() -> None:
    """art 25: 7 days from receipt, the day of receipt not counted (Civil Code art 201),
    day 7 included (art 1259)."""
    fields = {"received_on": "2026-09-01", "sales_mode": "distance"}
    assert derived_facts(fields, sh(2026, 9, 8, 23, 59)) == {
        "days_since_receipt": 7,
        "statutory_return_right": True,
    }
    assert derived_facts(fields, sh(2026, 9, 9, 0, 0)) == {
        "days_since_receipt": 8,
        "statutory_return_right": False,
    }


def test_statutory_return_period_ending_in_national_day_runs_to_oct_8() -> None:
    """Civil Code art 203: day 7 of goods received Sep 24 is Oct 1, a holiday; the
    period runs to the first working day after the holiday, Thu Oct 8."""
    assert return_period_end(date(2026, 9, 24)) == date(2026, 10, 8)
    assert return_period_end(date(2026, 9, 23)) == date(2026, 9, 30)
    fields = {"received_on": "2026-09-24", "sales_mode": "distance"}
    assert derived_facts(fields, sh(2026, 10, 8, 20))["statutory_return_right"] is True
    assert derived_facts(fields, sh(2026, 10, 9, 0, 1))["statutory_return_right"] is False


def test_statutory_return_period_counts_china_dates() -> None:
    """Consumer law counts dates in China, whatever zone the clock is given in."""
    fields = {"received_on": "2026-09-01", "sales_mode": "distance"}
    late_in_utc = datetime(2026, 9, 8, 17, 0, tzinfo=UTC)  # Sep 9 01:00 in Shanghai
    assert derived_facts(fields, late_in_utc)["statutory_return_right"] is False


@pytest.mark.parametrize(
    ("fields", "right"),
    [
        ({"sales_mode": "distance"}, True),  # art 25, no reason needed
        ({"sales_mode": "distance", "return_exclusion": "perishable"}, False),  # art 25 (2)
        ({"sales_mode": "distance", "return_exclusion": "made_to_order"}, False),  # art 25 (1)
        ({"sales_mode": "in_store"}, False),  # no statutory no-reason return in the store
        ({"sales_mode": "in_store", "quality_problem": True}, True),  # art 24
        (
            {"sales_mode": "distance", "return_exclusion": "perishable", "quality_problem": True},
            True,
        ),
    ],
)
def test_statutory_return_right_by_sales_mode_exclusion_and_quality(
    fields: dict[str, Any], right: bool
) -> None:
    """消费者权益保护法 art 24 (quality problem) and art 25 (distance sales, exclusions)."""
    found = derived_facts({"received_on": "2026-08-30", **fields}, NOW)
    assert found["statutory_return_right"] is right


@pytest.mark.parametrize("received_on", [None, "2026-09-02"])
def test_no_derived_facts_without_a_plausible_receipt_date(received_on: str | None) -> None:
    fields = {"received_on": received_on, "sales_mode": "distance", "quality_problem": True}
    assert derived_facts(fields, NOW) == {}


def test_important_return_within_the_statutory_period() -> None:
    """消费者权益保护法 art 25 overrides seed 000 §Ⅷ art 3 item 3.2 ("离柜不退换"): a
    refused return within the period exposes the company, so it goes up."""
    within = {"received_on": "2026-08-28", "sales_mode": "distance"}
    assert ticket(category="return_no_defect", fields=within).tier == "important"
    # Not a return complaint: the period alone changes nothing.
    assert ticket(category="service_attitude", fields=within).tier == "general"
    late = {"received_on": "2026-08-20", "sales_mode": "distance"}
    assert ticket(category="return_no_defect", fields=late).tier == "general"


def test_derived_facts_cannot_be_shadowed_by_a_field() -> None:
    """Conditions on days_since_receipt must mean the computed fact."""
    document = default_policy()
    document["fields"].append(
        {"key": "days_since_receipt", "label": {"en": "Days", "zh": "天数"}, "type": "integer"}
    )
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy(document, RetailPolicy)
    index = len(document["fields"]) - 1
    assert [p.path for p in raised.value.problems] == [f"fields[{index}].key"]


def test_admins_may_test_days_since_receipt() -> None:
    """A store's own longer return promise (e.g. 15 days) is a condition on the fact."""
    document = default_policy()
    document["tiers"][1]["when"]["all"][1]["any"].append(
        {"field": "days_since_receipt", "op": "<=", "value": 15}
    )
    tuned = validate_policy(document, RetailPolicy)
    assert ticket(tuned, fields={"received_on": "2026-08-20"}).tier == "important"


# --- the general tier (seed 000 §Ⅷ art 3 item 4; seed 002 §2) -----------------------------


def test_general_reply_within_24_wall_clock_hours_over_national_day() -> None:
    """seed 000 §Ⅷ art 3 item 4: "告知公司将会在24小时内进行处理"."""
    dues = local_dues("general", sh(2026, 9, 30, 10))
    assert dues["reply"] == sh(2026, 10, 1, 10)


def test_general_resolve_within_2_days_or_the_customers_earlier_request() -> None:
    """seed 002 §2: within 2 days or the period the customer asked for (which may
    only shorten the default); day 2 on Oct 1 runs past National Day (Civil Code art
    203)."""
    assert local_dues("general", sh(2026, 9, 28, 10))["resolve"] == sh(2026, 10, 1)
    assert local_dues("general", sh(2026, 9, 29, 10))["resolve"] == sh(2026, 10, 9)
    start = sh(2026, 9, 28, 10)
    assert local_dues("general", start, requested=sh(2026, 9, 29, 15))["resolve"] == sh(
        2026, 9, 29, 15
    )
    assert local_dues("general", start, requested=sh(2026, 10, 20))["resolve"] == sh(2026, 10, 1)


def test_general_resolve_reaching_2027_is_provisional() -> None:
    """stack.md, Calendars: 2027's schedule is not published; day 2 from Dec 30 is New
    Year's Day, so the period runs to Mon Jan 4 2027 on the provisional calendar."""
    assert calendar().year_status(2027) is YearStatus.PROVISIONAL
    resolve = due_of("general", sh(2026, 12, 30, 10))["resolve"]
    assert resolve.due_at.astimezone(SHANGHAI) == sh(2027, 1, 5)
    assert resolve.provisional
    assert not due_of("general", sh(2026, 12, 20, 10))["resolve"].provisional


def test_milestones_apply_per_kind_and_resolve_pauses() -> None:
    """The 24-hour answer applies to every kind; forwarding and resolving to complaints,
    and waiting for the customer stops the resolution clock."""
    for tier in default_document().tiers:
        milestones = {m.name: m for m in tier.milestones}
        assert milestones["reply"].kinds is None
        assert milestones["resolve"].kinds == ["complaint"]
        assert milestones["resolve"].pausable
        assert not milestones["reply"].pausable
        if "forward" in milestones:
            assert milestones["forward"].kinds == ["complaint"]


# --- escalation, extensions, callback -------------------------------------------------------


def test_escalation_chain_store_manager_then_big_customer_department() -> None:
    """seed 000 §Ⅷ art 2: the store marketing manager handles; what is beyond that
    authority the big-customer department manager decides."""
    document = default_document()
    chain = [(level.key, level.department, level.role) for level in document.escalation_chain]
    assert chain == [
        ("store_marketing_manager", None, "supervisor"),
        ("big_customer_manager", "big_customer", "supervisor"),
    ]
    targets = {tier.key: tier.escalation_target for tier in document.tiers}
    assert targets == {
        "major": "big_customer_manager",
        "important": "big_customer_manager",
        "general": "store_marketing_manager",
    }


def test_extension_approvers_and_maxima_per_tier() -> None:
    """seed 002 §2: overtime of an important complaint needs the general manager, of a
    minor one the supervising manager; at most double the resolution period."""
    extensions = {
        tier.key: (tier.extension.approver_role, tier.extension.max.amount, tier.extension.max.unit)
        for tier in default_document().tiers
        if tier.extension
    }
    assert extensions == {
        "major": ("tenant_admin", 10, "calendar_days"),
        "important": ("tenant_admin", 3, "calendar_days"),
        "general": ("supervisor", 2, "calendar_days"),
    }


def test_callback_within_3_days_of_resolution() -> None:
    """seed 003 §4.3: a callback within 3 days; resolved Sep 30, day 3 is a National Day
    holiday, so the callback is due by the end of Oct 8."""
    callback = default_document().callback
    assert callback is not None
    assert (callback.within.amount, callback.within.unit) == (3, "calendar_days")
    due = compute_due(
        sh(2026, 9, 30, 10),
        Duration(callback.within.amount, Unit(callback.within.unit)),
        calendar(),
    )
    assert due.due_at.astimezone(SHANGHAI) == sh(2026, 10, 9)


# --- the store's procedure as data (seed 000 §Ⅷ arts 3-4) -------------------------------


def test_categories_are_the_causes_of_the_store_procedure() -> None:
    """seed 000 §Ⅷ art 3: misunderstanding, attitude, returns (3.1-3.3)."""
    keys = [c.key for c in default_document().categories]
    assert keys == ["misunderstanding", "service_attitude", *RETURN_CATEGORIES, "other"]


def test_three_party_confirmation_of_returns() -> None:
    """seed 000 §Ⅷ art 3 item 3: a return or exchange waits for the store marketing
    manager, the big-customer department manager and the monitoring room."""
    confirmation = default_document().return_confirmation
    assert confirmation is not None
    assert confirmation.categories == RETURN_CATEGORIES
    assert [p.key for p in confirmation.parties] == [
        "store_marketing_manager",
        "big_customer_manager",
        "monitoring_room",
    ]


def test_reception_steps_in_order() -> None:
    """seed 000 §Ⅷ art 4: listen, clarify, apologise, share, explain, confirm."""
    steps = [s.key for s in default_document().reception_steps]
    assert steps == ["listen", "clarify", "apologise", "share", "explain", "confirm"]


def test_procedures_per_cause() -> None:
    """seed 000 §Ⅷ art 3 items 1-3: a procedure for each cause but "other"."""
    procedures = {p.category: len(p.steps) for p in default_document().procedures}
    assert procedures == {
        "misunderstanding": 1,
        "service_attitude": 4,
        "return_in_store": 5,
        "return_no_defect": 3,
        "return_defect": 4,
    }


def test_the_retail_settings_are_cross_checked() -> None:
    document = default_policy()
    document["procedures"][0]["category"] = "pricing"
    document["return_confirmation"]["categories"].append("gift")
    document["return_confirmation"]["parties"].append(
        {"key": "monitoring_room", "label": {"en": "Again", "zh": "重复"}, "role": "agent"}
    )
    document["reception_steps"].append(document["reception_steps"][0])
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy(document, RetailPolicy)
    assert sorted(p.path for p in raised.value.problems) == [
        "procedures[0].category",
        "reception_steps[6].key",
        "return_confirmation.categories[3]",
        "return_confirmation.parties[3].key",
    ]


def test_a_confirming_party_names_someone() -> None:
    document = default_policy()
    document["return_confirmation"]["parties"][2] = {
        "key": "monitoring_room",
        "label": {"en": "Monitoring room", "zh": "监控室"},
    }
    with pytest.raises(PolicyInvalid) as raised:
        validate_policy(document, RetailPolicy)
    assert [p.path for p in raised.value.problems] == ["return_confirmation.parties[2]"]


# --- presets ------------------------------------------------------------------------------


@pytest.mark.parametrize("found", PRESETS, ids=lambda p: p.key)
def test_every_preset_validates_and_leaves_its_input_alone(found: Any) -> None:
    original = default_policy()
    untouched = copy.deepcopy(original)
    changed = found.apply(original)
    assert original == untouched
    assert changed != original
    validate_policy(changed, RetailPolicy)
    assert found.label_en and found.label_zh and found.source


def test_preset_resolve_within_24_hours() -> None:
    """seed 000 §Ⅷ art 3 item 4 read as the time to resolve: a general complaint of
    Sep 30 10:00 is resolved by Oct 1 10:00, holiday or not; other tiers keep theirs."""
    document = preset("resolve_within_24_hours")
    dues = local_dues("general", sh(2026, 9, 30, 10), document=document)
    assert dues["resolve"] == sh(2026, 10, 1, 10)
    assert local_dues("major", sh(2026, 9, 30, 18), document=document)["resolve"] == sh(
        2026, 10, 11
    )


def test_preset_score_by_points() -> None:
    """seed 002 §7: points instead of judgement. One major criterion (10) or three
    important signals (12) make a major complaint; one or two (4, 8) an important one."""
    document = preset("score_by_points")
    assert document.scoring is not None
    assert all(tier.when is None for tier in document.tiers)
    nothing = ticket(document)
    assert (nothing.tier, nothing.score) == ("general", 0)
    assert ticket(document, fields={"amount": 5000}).tier == "major"
    assert ticket(document, fields={"amount": 4999}).tier == "general"
    one = ticket(document, channel="regulator")
    assert (one.tier, one.score) == ("important", 4)
    two = ticket(document, channel="media", fields={"threat_to_staff": True})
    assert (two.tier, two.score) == ("important", 8)
    three = ticket(
        document, channel="regulator", fields={"fraud_alleged": True, "media_involved": True}
    )
    assert (three.tier, three.score) == ("major", 12)
    question = ticket(document, kind="consultation", channel="regulator", fields={"amount": 9000})
    assert (question.tier, question.score) == ("general", 0)


def test_preset_requested_deadline_may_lengthen() -> None:
    """sector-rules, across sectors: the referring body's deadline stands, even when
    later than the default 3 days."""
    document = preset("requested_deadline_may_lengthen")
    dues = local_dues("important", sh(2026, 9, 1, 10), requested=sh(2026, 9, 20), document=document)
    assert dues["resolve"] == sh(2026, 9, 20)


def test_presets_refuse_a_document_they_cannot_read() -> None:
    document = default_policy()
    document["tiers"] = [t for t in document["tiers"] if t["key"] != "general"]
    by_key = {p.key: p for p in PRESETS}
    with pytest.raises(ValueError, match="no 'general' tier"):
        by_key["resolve_within_24_hours"].apply(document)
    document = default_policy()
    document["tiers"][0]["when"] = {"flag": "personal_injury"}
    with pytest.raises(ValueError, match="tier 'major'"):
        by_key["score_by_points"].apply(document)


# --- demo tickets -------------------------------------------------------------------------


def test_demo_tickets_are_valid_varied_and_deterministic() -> None:
    """The demo shows every tier and every invalid reason, with realistic bodies."""
    document = default_document()
    tickets = demo_tickets(NOW, 80)
    assert len(tickets) == 80
    assert tickets == demo_tickets(NOW, 80)
    assert demo_tickets(NOW, 5) == tickets[:5]
    assert demo_tickets(NOW, 0) == []
    tiers, reasons, kinds = set(), set(), set()
    for body in tickets:
        TicketIn.model_validate(body)
        assert validate_fields(body["fields"], document.fields) == {}
        assert body["occurred_at"] < NOW and body["occurred_at"].utcoffset() is not None
        assert body["requested_due_at"] is None or body["requested_due_at"] > NOW
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["description"])
        customer = body["customer"]
        result = ticket(
            kind=body["kind"],
            channel=body["channel"],
            category=body["category"],
            fields={"request": None, **body["fields"]},
            anonymous=customer["anonymous"],
            has_contact=bool(customer["phone"] or customer["email"]),
            occurred_at=body["occurred_at"],
        )
        tiers.add(result.tier)
        reasons.update(result.validity_reasons)
        kinds.add(body["kind"])
    assert tiers == {"major", "important", "general"}
    assert reasons == {c.key for c in document.validity_reasons}
    assert kinds == {"inquiry", "consultation", "complaint"}


def test_demo_tickets_open_through_the_intake(app: Any) -> None:
    """The demo's bodies pass the real intake of a retail tenant: fields, channel,
    category, deadlines; the returning customer's second complaint is a repeat."""
    tenant = make_tenant("shop", sector="retail")
    opened = []
    with tenant_scope(db.session, tenant.id):
        for i, body in enumerate(demo_tickets(NOW, 46)):
            at = NOW + timedelta(hours=i)
            opened.append(
                open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=at)
            )
        db.session.flush()
        repeat = [t for t in opened if t.subject == "退货后退款迟迟未到账"]
        assert [t.tier for t in repeat] == ["general", "important"]
        assert {t.tier for t in opened} == {"major", "important", "general"}
        assert all(t.milestones for t in opened)


def test_an_inquiry_through_the_intake_is_not_judged_as_a_complaint(app: Any) -> None:
    """The tier criteria judge complaints only, through the real intake too."""
    tenant = make_tenant("shop", sector="retail")
    body = {
        "kind": "inquiry",
        "channel": "phone",
        "subject": "查询电视机的送货安装时间",
        "customer": {"name": "钱先生", "phone": "13900000000"},
        "fields": {"amount": 6000},
    }
    with tenant_scope(db.session, tenant.id):
        opened = open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=NOW)
    assert opened.tier == "general"


def test_the_desk_guidance_is_the_reception_steps_and_the_causes_procedure() -> None:
    """seed 000 §Ⅷ arts 3-4: the six reception steps, then the procedure for the cause."""
    from types import SimpleNamespace

    from portal.plugins import build_registry

    registry = build_registry()
    document = registry.call("retail", "sector_policy_model").model_validate(
        registry.call("retail", "sector_default_policy")
    )
    ticket = SimpleNamespace(category="service_attitude", fields={})
    zh = registry.call("retail", "sector_guidance", ticket=ticket, document=document, locale="zh")
    assert [g.title for g in zh] == ["接待六步", "本类投诉处理程序"]
    assert zh[0].steps[0].startswith("倾听") and len(zh[0].steps) == 6
    assert zh[1].steps[0] == "诚意道歉，倾听顾客投诉"
    en = registry.call(
        "retail",
        "sector_guidance",
        ticket=SimpleNamespace(category=None, fields={"threat_to_staff": True}),
        document=document,
        locale="en",
    )
    assert [g.title for g in en] == ["Threat: act now", "Receiving the customer"]
