"""The retail sector's default policy: a chain of stores and its headquarters.

Sources (sector-rules.md, Retail): the chain store's complaint procedure (seed 000 §Ⅷ),
what makes a complaint major (seed 002 §3), the consumer law (消费者权益保护法) and the
market regulator's complaint measures (SAMR order 20; replaced on 2026-04-15 by order
121, whose figures are not confirmed yet, so order 20's stand as the defaults to
check). The retail sources name a deadline only for complaints not solved on the spot
(24 hours); the resolution periods follow seed 002 §2, the one seed that tiers them,
and are marked so in docs/sectors.md.
"""

from __future__ import annotations

import json
from typing import Any

from plugins.retail.fields import FIELDS
from plugins.retail.guidance import (
    PROCEDURES,
    RECEPTION_STEPS,
    RETURN_CATEGORIES,
    RETURN_CONFIRMATION,
)
from portal.sectorkit import choice, label

__all__ = ["default_policy"]


def _duration(amount: int, unit: str) -> dict[str, Any]:
    return {"amount": amount, "unit": unit}


def _labelled(condition: dict[str, Any], en: str, zh: str) -> dict[str, Any]:
    return {**condition, "label": label(en, zh)}


# "Not a question" rather than "a complaint", so that a kind an admin adds later (an
# appeal, say) is judged like a complaint instead of slipping past every rule.
IS_COMPLAINT = _labelled(
    {"not": {"field": "kind", "op": "in", "value": ["inquiry", "consultation"]}},
    "complaint",
    "投诉",
)


def _complaint(*criteria: dict[str, Any]) -> dict[str, Any]:
    """Any of ``criteria``, on complaints only: an inquiry about a 6,000-yuan television
    is not a major complaint."""
    return {"all": [IS_COMPLAINT, {"any": list(criteria)}]}


def _invalid(reason: str, condition: dict[str, Any], en: str, zh: str) -> dict[str, Any]:
    return {"reason": reason, "when": _labelled({"all": [IS_COMPLAINT, condition]}, en, zh)}


# A comparison is false on an absent field, so this pair holds for any request given,
# including choices an admin adds later.
_HAS_REQUEST = {
    "any": [
        {"field": "request", "op": "==", "value": "other"},
        {"field": "request", "op": "!=", "value": "other"},
    ]
}

VALIDITY_REASONS = [
    choice("anonymous", "Anonymous complaint", "匿名投诉"),
    choice("no_contact", "No way to reach the customer", "无有效联系方式"),
    choice("no_request", "No concrete request", "无具体投诉请求"),
    choice("time_barred", "More than 3 years after the event", "超过三年"),
    choice("not_consumer", "Not a consumer purchase", "非生活消费"),
    choice("not_our_sale", "Not sold by us", "非本店售出"),
]

INVALID_RULES = [
    # SAMR order 20 art 9: a complaint gives the complainant's name, phone and address,
    # the respondent, a concrete request and the facts; seed 000 §Ⅷ art 3 item 4: a
    # complaint not solved on the spot keeps the customer's contact details.
    _invalid(
        "anonymous",
        {"flag": "customer.anonymous"},
        "the complainant gave no name",
        "投诉人未提供姓名",
    ),
    _invalid(
        "no_contact",
        {"not": {"flag": "has_contact"}},
        "neither phone nor e-mail",
        "未留电话或电子邮箱",
    ),
    _invalid("no_request", {"not": _HAS_REQUEST}, "no request recorded", "未记录顾客诉求"),
    # SAMR order 20 art 15: not accepted more than 3 years after the customer knew of
    # the harm; the Civil Code's limitation period is 3 years too (art 188).
    _invalid(
        "time_barred",
        {"occurred_more_than": {"amount": 3, "unit": "years"}},
        "the event is more than 3 years old",
        "事发已超过三年",
    ),
    # 消费者权益保护法 art 2 and seed 000 §Ⅰ: a consumer buys for daily life; SAMR order
    # 20 art 15 refuses other purchases, and disputes with someone else's goods.
    _invalid(
        "not_consumer",
        {"flag": "business_purchase"},
        "bought for business use",
        "为经营目的购买",
    ),
    # seed 000 §Ⅷ art 3 items 3.1 c, 3.3 a-b: check the goods were sold by this store.
    _invalid(
        "not_our_sale",
        {"field": "sale_record", "op": "==", "value": "not_found"},
        "no sale in the store's records",
        "本店记录中无此销售",
    ),
]

# seed 000 §Ⅷ art 2: the store -> the headquarters' big-customer department -> outside
# bodies (12315 / the market regulator, the consumer association).
CHANNEL_LEVELS = [
    choice("store", "Store", "门店"),
    choice("headquarters", "Headquarters big-customer department", "总部营运办大客户部"),
    choice("regulator", "Regulator or consumer association referral", "监管部门或消协转办"),
]


def _channel(key: str, en: str, zh: str, level: str) -> dict[str, Any]:
    return {**choice(key, en, zh), "level": level}


CHANNELS = [
    _channel("store", "In the store", "门店现场", "store"),  # art 2 item 1
    # art 2 item 3: calls to headquarters and complaints found in callback checks.
    _channel("phone", "Headquarters hotline", "总部客服热线", "headquarters"),
    _channel("callback_check", "Found in a callback check", "电话回访抽查发现", "headquarters"),
    _channel("web", "Website or mini program", "官网或小程序", "headquarters"),
    _channel("app", "Mobile app", "手机App", "headquarters"),
    _channel("email", "E-mail", "电子邮件", "headquarters"),
    _channel("letter", "Letter", "信函", "headquarters"),
    _channel("media", "Media or social media", "媒体或社交平台", "headquarters"),
    _channel(
        "regulator", "12315 / market regulator referral", "12315或市场监管部门转办", "regulator"
    ),
    _channel(
        "consumer_association", "Consumer association referral", "消费者协会转办", "regulator"
    ),
]

# seed 000 §Ⅷ art 3: the causes the store's procedure distinguishes.
CATEGORIES = [
    choice("misunderstanding", "Customer misunderstanding", "顾客误会"),  # item 1
    choice("service_attitude", "Service attitude", "服务态度"),  # item 2
    choice("return_in_store", "Return before leaving the store", "未离店要求退换"),  # 3.1
    choice("return_no_defect", "Return, no quality problem", "离店后退换（无质量问题）"),  # 3.2
    choice("return_defect", "Return, quality problem", "离店后退换（有质量问题）"),  # 3.3
    choice("other", "Other", "其他"),
]

# seed 002 §3: "违法金额大，一般在5000元以上；...造成人身伤害等；一批消费者利益受到同一个经营者的
# 经营行为侵害". "以上" includes the number itself (Civil Code art 1259).
MAJOR_WHEN = _complaint(
    _labelled(
        {"field": "amount", "op": ">=", "value": 5000},
        "amount involved 5,000 yuan or more",
        "涉及金额5000元以上",
    ),
    _labelled({"flag": "personal_injury"}, "personal injury", "造成人身伤害"),
    _labelled({"flag": "serious_consequences"}, "serious consequences", "侵害后果严重"),
    _labelled(
        {"flag": "group_harm"},
        "many consumers harmed by the same act",
        "一批消费者受同一经营行为侵害",
    ),
)

# Complaints the store cannot settle alone. sector-rules "Across sectors": a complaint
# that came down from the regulator, the consumer association or the media is an
# escalated complaint and usually raises the tier; seed 000 §Ⅷ heading: what touches
# the company's business, reputation or legal liability.
IMPORTANT_WHEN = _complaint(
    _labelled(
        {"field": "channel_level", "op": "==", "value": "regulator"},
        "referred by the regulator or the consumer association",
        "市场监管部门或消协转办",
    ),
    _labelled(
        {"any": [{"field": "channel", "op": "==", "value": "media"}, {"flag": "media_involved"}]},
        "media involved",
        "媒体曝光或介入",
    ),
    # seed 000 §Ⅷ art 3 item 3.2 c: a customer the store could not satisfy goes up.
    _labelled(
        {"field": "repeat_count", "op": ">=", "value": 2},
        "complained again about the same matter",
        "同一事项再次投诉",
    ),
    # seed 000 §Ⅷ art 2 item 2: beyond the store marketing manager's authority, the
    # big-customer department manager decides.
    _labelled(
        {"flag": "beyond_store_authority"},
        "demand beyond the store manager's authority",
        "诉求超出门店营销经理权限",
    ),
    # seed 000 §Ⅷ art 3 item 4: threats to staff, property or business: police at once.
    _labelled(
        {"flag": "threat_to_staff"},
        "threat to staff, property or business",
        "威胁员工人身、财产安全或正常经营",
    ),
    # 消费者权益保护法 art 55: fraud costs three times the price, at least 500 yuan.
    _labelled({"flag": "fraud_alleged"}, "fraud alleged", "顾客主张欺诈"),
    # 消费者权益保护法 arts 24, 25: within the period the store may not refuse the return
    # (seed 000 §Ⅷ art 3 item 3.2 "离柜不退换" yields to the law).
    _labelled(
        {
            "all": [
                {"field": "category", "op": "in", "value": RETURN_CATEGORIES},
                {"flag": "statutory_return_right"},
            ]
        },
        "return within the statutory 7-day period",
        "在法定七日退货期内要求退货",
    ),
)

# seed 000 §Ⅷ art 3 item 4: "告知公司将会在24小时内进行处理". Stores open on rest days,
# so these are wall-clock hours.
REPLY = {
    "name": "reply",
    "start": "created",
    "duration": _duration(24, "hours"),
    "label": label("Handling answer within 24 hours", "24小时内答复处理意见"),
}


def _resolve(duration: dict[str, Any], default: dict[str, Any] | None = None) -> dict[str, Any]:
    # Waiting for the customer to bring the goods back to the store stops the clock
    # (seed 000 §Ⅷ art 2 item 3: the customer is asked to go to the store).
    milestone = {
        "name": "resolve",
        "start": "created",
        "duration": duration,
        "pausable": True,
        "kinds": ["complaint"],
        "label": label("Resolved", "处理完毕"),
    }
    if default is not None:
        milestone["default"] = default
    return milestone


def _forward(duration: dict[str, Any], en: str, zh: str) -> dict[str, Any]:
    return {
        "name": "forward",
        "start": "created",
        "duration": duration,
        "kinds": ["complaint"],
        "label": label(en, zh),
    }


TIERS = [
    {
        "key": "major",
        "label": label("Major", "重大"),
        "when": MAJOR_WHEN,
        "milestones": [
            # seed 002 §2: a major complaint reaches the top the same day; for a chain
            # that is the big-customer department (seed 000 §Ⅷ art 2 item 2).
            _forward(
                _duration(1, "end_of_business_day"),
                "To the big-customer department the same day",
                "当天呈送大客户部",
            ),
            REPLY,
            # seed 002 §2: solved within 10 days.
            _resolve(_duration(10, "calendar_days")),
        ],
        "escalation_target": "big_customer_manager",
        # Beyond the store's authority (seed 000 §Ⅷ art 2 item 2): headquarters decides,
        # and an extension can only name a role, so the tenant admin stands in for the
        # big-customer department manager. At most double the period (no source says).
        "extension": {"approver_role": "tenant_admin", "max": _duration(10, "calendar_days")},
    },
    {
        "key": "important",
        "label": label("Important", "重要"),
        "when": IMPORTANT_WHEN,
        "milestones": [
            # seed 002 §2: forwarded within 1 hour; the big-customer department keeps
            # office hours, so business hours.
            _forward(
                _duration(1, "business_hours"),
                "To the big-customer department within 1 business hour",
                "1个工作小时内转大客户部",
            ),
            REPLY,
            # seed 002 §2: solved within 3 days; a referral's own deadline, entered as
            # the requested deadline, may shorten it (sector-rules, across sectors).
            _resolve(_duration(1, "requested"), _duration(3, "calendar_days")),
        ],
        "escalation_target": "big_customer_manager",
        # seed 002 §2: overtime needs the general manager; headquarters, as for major.
        "extension": {"approver_role": "tenant_admin", "max": _duration(3, "calendar_days")},
    },
    {
        "key": "general",
        "label": label("General", "一般"),
        "milestones": [
            REPLY,
            # seed 002 §2: within 2 days or the period the customer asked for.
            _resolve(_duration(1, "requested"), _duration(2, "calendar_days")),
        ],
        "escalation_target": "store_marketing_manager",
        # seed 002 §2: overtime needs the supervising manager; in a chain store that is
        # the store marketing manager (seed 000 §Ⅷ art 2 item 1).
        "extension": {"approver_role": "supervisor", "max": _duration(2, "calendar_days")},
    },
]

# seed 000 §Ⅷ art 2. The store's own department handles its tickets, so its manager is
# named by role; the big-customer department sits at headquarters.
ESCALATION_CHAIN = [
    {
        "key": "store_marketing_manager",
        "label": label("Store marketing manager", "门店营销经理"),
        "role": "supervisor",
    },
    {
        "key": "big_customer_manager",
        "label": label("Big-customer department manager", "营运办大客户部经理"),
        "department": "big_customer",
        "role": "supervisor",
    },
]

_DEFAULT: dict[str, Any] = {
    "schema_version": 1,
    # Retail has no appeal body inside the company: a customer who rejects the answer
    # goes to 12315, and comes back as a regulator referral.
    "kinds": ["inquiry", "consultation", "complaint"],
    "fields": FIELDS,
    "validity_reasons": VALIDITY_REASONS,
    "invalid_rules": INVALID_RULES,
    "channel_levels": CHANNEL_LEVELS,
    "channels": CHANNELS,
    "categories": CATEGORIES,
    "tiers": TIERS,
    "default_tier": "general",
    "escalation_chain": ESCALATION_CHAIN,
    "warn_at_share": 0.8,
    # seed 003 §4.3 (and its car dealer's "三天之内回访"): a callback within 3 days.
    "callback": {"after": _duration(1, "hours"), "within": _duration(3, "calendar_days")},
    # seed 002 §2 says "2 days or the customer's period": read as the earlier of the
    # two, so a request cannot stretch a deadline (a preset lets it).
    "requested_deadline_may_lengthen": False,
    # group_harm (seed 002) made visible: five complaints of one category about one
    # store within a day are one matter (the figures are ours).
    "batch": {"at_least": 5, "within_hours": 24, "fields": ["category", "store"]},
    "reception_steps": RECEPTION_STEPS,
    "procedures": PROCEDURES,
    "return_confirmation": RETURN_CONFIRMATION,
}


def default_policy() -> dict[str, Any]:
    """A fresh copy of the default document: callers may change it freely.

    Through JSON rather than deepcopy, which would keep the pieces shared above (the
    reply milestone, the return categories) shared in the copy too.
    """
    copied: dict[str, Any] = json.loads(json.dumps(_DEFAULT, ensure_ascii=False))
    return copied
