"""The property sector's default policy document.

No national deadline exists (物业管理条例 art 48 only says "promptly"), so the default
is the company practice of seed 002 §2-§3 and seed 003 (投诉处理管理办法 §4); the city
rules are presets (see ``presets.py``). Every rule cites its source next to it.
"""

from __future__ import annotations

from typing import Any, Final

from plugins.property.facts import FIRST_RAISED_ON, UNSOLVED_OVER_A_MONTH
from plugins.property.model import CALLBACK

# Keys other modules (presets, demo) refer to.
MAJOR: Final = "major"
IMPORTANT: Final = "important"
MINOR: Final = "minor"
THIRD_PARTY: Final = "third_party"
LOSS: Final = "loss_amount"
#: seed 002 §3: "一般在5000元以上"; 以上 includes the figure itself (Civil Code art 1259).
MAJOR_LOSS_YUAN: Final = 5000


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def days(amount: int) -> dict[str, Any]:
    # Every "day" of the seeds is a calendar day (sector-rules.md, introduction).
    return {"amount": amount, "unit": "calendar_days"}


def milestone(
    name: str, en: str, zh: str, duration: dict[str, Any], start: str = "created", **extra: Any
) -> dict[str, Any]:
    # The tiers are complaint tiers (seed 002 §2: 投诉); inquiries, consultations and
    # repair requests have no deadline in the sources.
    return {
        "name": name,
        "label": label(en, zh),
        "start": start,
        "duration": duration,
        "kinds": ["complaint"],
        **extra,
    }


# seed 003 §4.3: the operations department calls back within 3 days of handling, by phone
# or visit.
CALLBACK_DAYS: Final = 3


def _callback_rule() -> dict[str, Any]:
    # The seed sets no earliest time and the core wants a positive one: 1 minute.
    return {"after": {"amount": 1, "unit": "minutes"}, "within": days(CALLBACK_DAYS)}


def _callback_milestone() -> dict[str, Any]:
    return milestone(
        CALLBACK, "Callback after handling", "处理后回访", days(CALLBACK_DAYS), start="resolved"
    )


def _month_milestone() -> dict[str, Any]:
    # seed 002 §2 major (3): a valid complaint not reasonably solved within a month is
    # major. The deadline is watched here so its breach escalates; month_rule.py then
    # re-tiers the ticket. The deadline units have no months: 30 days.
    return milestone(
        "solve_within_month",
        "Solved within a month (else major)",
        "一个月内解决（逾期升为重大）",
        days(30),
    )


def _fields() -> list[dict[str, Any]]:
    return [
        {  # seed 002 §2 major (2), §3
            "key": LOSS,
            "label": label("Loss claimed (yuan)", "损失金额（元）"),
            "type": "number",
            "min": 0,
        },
        {  # seed 002 §2 major (2), §3
            "key": "personal_injury",
            "label": label("Personal injury", "人身伤害"),
            "type": "boolean",
        },
        {  # seed 002 §3: 一批消费者利益受到同一个经营者的经营行为侵害
            "key": "group_harm",
            "label": label("Many owners harmed by the same act", "多名业主受同一行为侵害"),
            "type": "boolean",
        },
        {  # seed 002 §2 major (1)
            "key": "promised_service_failed",
            "label": label(
                "Contracted or promised service not delivered, or with obvious errors",
                "合同约定或承诺的服务未实施或有明显差错",
            ),
            "type": "boolean",
        },
        {  # seed 002 §2 major (1): 经客户多次提出; raised outside the system counts too
            "key": "earlier_requests",
            "label": label("Times raised before this complaint", "此前已反映次数"),
            "type": "integer",
            "min": 0,
        },
        {  # seed 002 §2 major (3): the start of the month (derived fact)
            "key": FIRST_RAISED_ON,
            "label": label("First raised on", "首次反映日期"),
            "type": "date",
        },
        {  # seed 002 §2 important: 管理服务工作不到位、有过失
            "key": "company_fault",
            "label": label("Management or service failure with fault", "管理服务不到位、有过失"),
            "type": "boolean",
        },
        {  # who complains: owners and occupants are the company's customers (条例 art 2)
            "key": "complainant_role",
            "label": label("Complainant", "投诉人身份"),
            "type": "choice",
            "choices": [
                {"key": "owner", "label": label("Owner", "业主")},
                {"key": "occupant", "label": label("Occupant (tenant, user)", "物业使用人")},
                {
                    "key": "unrelated",
                    "label": label("Neither owner nor occupant", "非业主、非使用人"),
                },
            ],
        },
        {  # where: the estate and the unit, which is also how a visit reaches the owner
            "key": "estate",
            "label": label("Estate", "项目（小区）"),
            "type": "string",
            "max_length": 100,
        },
        {
            "key": "unit",
            "label": label("Building and unit", "楼栋房号"),
            "type": "string",
            "max_length": 50,
        },
        {  # the service line complained about, for reports by line
            "key": "service_line",
            "label": label("Service line", "服务类别"),
            "type": "choice",
            "choices": [
                {"key": "security", "label": label("Security and order", "安保秩序")},
                {"key": "cleaning", "label": label("Cleaning and environment", "保洁环境")},
                {"key": "greening", "label": label("Landscaping", "绿化养护")},
                {"key": "repairs", "label": label("Repairs", "维修服务")},
                {"key": "facilities", "label": label("Lifts, water, power", "设施设备")},
                {"key": "fees", "label": label("Fees and charges", "收费")},
                {"key": "parking", "label": label("Parking", "停车管理")},
                {"key": "renovation", "label": label("Renovation control", "装修管理")},
                {"key": "attitude", "label": label("Staff attitude", "服务态度")},
                {"key": "other", "label": label("Other", "其他")},
            ],
        },
    ]


def _channels() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    levels = [
        {"key": "estate", "label": label("Estate service centre", "项目服务中心")},
        {"key": "company", "label": label("Company or group", "公司/集团")},
        {"key": "external", "label": label("Government and public bodies", "政府及社会渠道")},
    ]
    channels = [
        # seed 003 §4.2.1: face to face at the service centre or on site
        {"key": "face_to_face", "label": label("Face to face", "当面投诉"), "level": "estate"},
        # seed 003 §4.2.3: letter, phone, e-mail
        {"key": "phone", "label": label("Phone", "电话"), "level": "estate"},
        {"key": "letter", "label": label("Letter", "信件"), "level": "estate"},
        {"key": "email", "label": label("E-mail", "电子邮件"), "level": "estate"},
        # design.md channels: web form and app
        {"key": "web", "label": label("Web form", "网上投诉"), "level": "estate"},
        {"key": "app", "label": label("Owner app", "业主App/公众号"), "level": "estate"},
        # seed 002 §6.5: the owners' assembly
        {
            "key": "owners_committee",
            "label": label("Owners' assembly or committee", "业主大会/业主委员会"),
            "level": "estate",
        },
        # seed 003 §4.2.4: complaints made directly to the company or group
        {"key": "company", "label": label("Company or group", "公司/集团"), "level": "company"},
        # seed 002 §4, §6.1-6.3: the city hotline, housing and price authorities, 消协
        {
            "key": "hotline_12345",
            "label": label("12345 city hotline", "12345政务服务热线"),
            "level": "external",
        },
        {
            "key": "housing_authority",
            "label": label("Housing authority", "房管部门"),
            "level": "external",
        },
        {
            "key": "price_authority",
            "label": label("Price authority", "价格主管部门"),
            "level": "external",
        },
        {
            "key": "consumer_association",
            "label": label("Consumer association", "消费者协会"),
            "level": "external",
        },
        # design.md channels: media and social networks
        {
            "key": "media",
            "label": label("Media and social networks", "媒体/网络"),
            "level": "external",
        },
    ]
    return levels, channels


def _validity() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    # The sources define no property-specific invalid complaint; these follow design.md's
    # vocabulary and seed 003 §4.3 (every complaint gets a callback by phone or visit,
    # so a complainant who cannot be reached cannot be answered).
    reasons = [
        {"key": "anonymous", "label": label("Anonymous", "匿名投诉")},
        {"key": "no_contact", "label": label("Cannot be reached", "无法联系投诉人")},
        {"key": "not_customer", "label": label("Not a customer", "非服务对象")},
    ]
    rules = [
        {
            "reason": "anonymous",
            "when": {
                "flag": "customer.anonymous",
                "label": label("the complainant gave no identity", "投诉人未留身份"),
            },
        },
        {
            "reason": "no_contact",
            "when": {
                "all": [
                    {"not": {"flag": "has_contact"}},
                    # a unit number lets the callback be a visit (seed 003 §4.3)
                    {"not": {"field": "unit", "op": "!=", "value": ""}},
                ],
                "label": label("no phone, e-mail or unit number", "无电话、邮箱或房号"),
            },
        },
        {
            "reason": "not_customer",
            "when": {
                "field": "complainant_role",
                "op": "==",
                "value": "unrelated",
                "label": label(
                    "neither an owner nor an occupant of the estate", "非本项目业主或物业使用人"
                ),
            },
        },
    ]
    return reasons, rules


def _major_when() -> dict[str, Any]:
    return {
        "any": [
            {  # seed 002 §2 major (1)
                "all": [
                    {"flag": "promised_service_failed"},
                    {
                        "any": [
                            {"field": "repeat_count", "op": ">=", "value": 2},
                            {"field": "earlier_requests", "op": ">=", "value": 1},
                        ]
                    },
                ],
                "label": label(
                    "promised service not delivered, raised repeatedly",
                    "承诺或约定服务未兑现，经多次反映未解决",
                ),
            },
            {  # seed 002 §2 major (2) with the figure of §3; a class-3 matter (outside the
                # red line, third parties: seed 003 §4.1.3) is not caused by the company
                "all": [
                    {
                        "any": [
                            {"field": LOSS, "op": ">=", "value": MAJOR_LOSS_YUAN},
                            {"flag": "personal_injury"},
                        ]
                    },
                    {"not": {"field": "category", "op": "==", "value": THIRD_PARTY}},
                ],
                "label": label(
                    "loss of 5,000 yuan or more, or personal injury, caused by the company",
                    "因公司责任造成5000元以上损失或人身伤害",
                ),
            },
            {  # seed 002 §2 major (3), a derived fact (facts.py)
                "flag": UNSOLVED_OVER_A_MONTH,
                "label": label("raised over a month ago and still unsolved", "一个月内未得到解决"),
            },
            {  # seed 002 §3
                "flag": "group_harm",
                "label": label("many owners harmed by the same act", "多名业主受同一行为侵害"),
            },
        ]
    }


def _tiers() -> list[dict[str, Any]]:
    return [
        {
            "key": MAJOR,
            "label": label("Major", "重大投诉"),
            "when": _major_when(),
            "milestones": [
                # seed 002 §2: 当天呈送公司总经理 (the same day, to the general manager)
                milestone(
                    "forward",
                    "To the general manager",
                    "呈送总经理",
                    {"amount": 1, "unit": "end_of_business_day"},
                ),
                # seed 002 §2: 在2日给投诉的客户明确答复
                milestone("reply", "Clear answer to the customer", "明确答复客户", days(2)),
                # seed 002 §2: 解决时间不宜超过10日
                milestone("resolve", "Solved", "解决", days(10)),
                _callback_milestone(),
            ],
            "escalation_target": "general_manager",
            # The seed names no approver or maximum: the general manager owns major
            # complaints, and a month is the outer bound of seed 002 §2 major (3).
            "extension": {"approver_role": "general_manager", "max": days(20)},
        },
        {
            "key": IMPORTANT,
            "label": label("Important", "重要投诉"),
            # seed 002 §2: 因公司的管理服务工作不到位、有过失而引起的投诉
            "when": {
                "flag": "company_fault",
                "label": label(
                    "management or service failure with fault", "公司管理服务不到位、有过失"
                ),
            },
            "milestones": [
                # seed 002 §2: 接待后1小时内转呈工程部
                milestone(
                    "forward",
                    "To the engineering department",
                    "转呈工程部",
                    {"amount": 1, "unit": "hours"},
                ),
                # seed 002 §2: 一般在3日内处置完毕
                milestone("resolve", "Handled", "处置完毕", days(3)),
                _month_milestone(),
                _callback_milestone(),
            ],
            "escalation_target": "engineering",
            # seed 002 §2: 超时需经公司总经理批准. No maximum given: up to the 10 days the
            # seed allows the most serious complaints.
            "extension": {"approver_role": "general_manager", "max": days(7)},
        },
        {
            "key": MINOR,
            "label": label("Minor", "轻微投诉"),
            # seed 002 §2: facility, equipment or management limits, no human fault: the
            # default when nothing more severe matches.
            "milestones": [
                # seed 002 §2: 不超过2天内或在客户要求的期限内解决
                milestone(
                    "resolve",
                    "Solved (or by the customer's date)",
                    "解决（或按客户要求期限）",
                    {"amount": 1, "unit": "requested"},
                    default=days(2),
                ),
                _month_milestone(),
                _callback_milestone(),
            ],
            "escalation_target": "supervising_manager",
            # seed 002 §2: 超时需经主管经理批准; maximum as for important complaints.
            "extension": {"approver_role": "supervising_manager", "max": days(8)},
        },
    ]


def _escalation_chain() -> list[dict[str, Any]]:
    return [
        # seed 003 §3.1: the front desk receives, records and reports complaints
        {
            "key": "front_desk",
            "label": label("Front desk", "前台接待"),
            "department": "front_desk",
        },
        # seed 003 §3.2, §4.2.4: the responsible department's head
        {
            "key": "department_head",
            "label": label("Head of the responsible department", "责任部门负责人"),
            "role": "department_head",
        },
        # seed 002 §2: important complaints go to the engineering department
        {
            "key": "engineering",
            "label": label("Engineering department", "工程部"),
            "department": "engineering",
        },
        # seed 002 §2: approves overtime on minor complaints
        {
            "key": "supervising_manager",
            "label": label("Supervising manager", "主管经理"),
            "role": "supervising_manager",
        },
        # seed 002 §2: receives major complaints, approves overtime on important ones
        {
            "key": "general_manager",
            "label": label("General manager", "总经理"),
            "role": "general_manager",
        },
    ]


def default_policy() -> dict[str, Any]:
    """A fresh copy of the default document (callers may change it freely)."""
    levels, channels = _channels()
    reasons, invalid_rules = _validity()
    return {
        "schema_version": 1,
        # 查询 (fee statements), 咨询, 报修 (repair requests: this sector's fault report),
        # 投诉. The appeal kind is a complaint to a regulator (telecom); owners take theirs
        # to the authorities (seed 002 §6), which reach the company as referral channels.
        "kinds": ["inquiry", "consultation", "fault", "complaint"],
        "fields": _fields(),
        "validity_reasons": reasons,
        "invalid_rules": invalid_rules,
        "channel_levels": levels,
        "channels": channels,
        # seed 003 §4.1
        "categories": [
            {
                "key": "management_service",
                "label": label("Class 1: our management or service", "一类：自身管理或服务不到位"),
            },
            {
                "key": "engineering_quality",
                "label": label("Class 2: engineering quality", "二类：工程质量问题"),
            },
            {
                "key": THIRD_PARTY,
                "label": label(
                    "Class 3: outside the red line or third parties", "三类：规划红线外或第三方"
                ),
            },
        ],
        "tiers": _tiers(),
        "default_tier": MINOR,  # seed 002 §2: minor = no human fault
        "escalation_chain": _escalation_chain(),
        # No source: the core's default share of a deadline at which to warn.
        "warn_at_share": 0.8,
        "callback": _callback_rule(),
        # seed 002 §2 minor: the customer's requested period applies, longer or shorter.
        "requested_deadline_may_lengthen": True,
        # group_harm (seed 003) made visible: five complaints about one service line of
        # one estate within a day are one matter (the figures are ours).
        "batch": {"at_least": 5, "within_hours": 24, "fields": ["estate", "service_line"]},
    }
