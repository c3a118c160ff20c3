"""The default policy of the banking and insurance sector, as a policy document.

Main source: 银行业保险业消费投诉处理管理办法 (CBIRC order 2020 No.3, in force
2020-03-01), cited as "order art N"; the 2007 CBRC notice in seed 001 as "2007 notice
art N"; sector-rules.md's cross-sector rules as "Across sectors". Every "day" is a
calendar day counted from the day after receipt (Civil Code arts 201, 203), which the
core's ``calendar_days`` unit does.
"""

from __future__ import annotations

import copy
from typing import Any

from plugins.banking.fields import FACE_TO_FACE_CHANNELS, FIELDS, MAJOR_EVENTS
from portal.sectorkit import choice, label

# Milestone names other modules refer to.
DECISION = "decision"
REVIEW_DECISION = "review_decision"
REGULATOR_REPORT = "regulator_report"

# Tier keys, most severe first.
MAJOR = "major"
ESCALATED = "escalated"
COMPLEX = "complex"
ORDINARY = "ordinary"


def _days(amount: int) -> dict[str, Any]:
    return {"amount": amount, "unit": "calendar_days"}


def _decision(duration: dict[str, Any]) -> dict[str, Any]:
    """The art 18 deadline: decide and tell the complainant, counted from receipt. The
    clock stops for external appraisal, testing or valuation (art 18) and mediation
    (art 23), hence pausable; new facts or reasons start it again (art 18)."""
    return {
        "name": DECISION,
        "label": label("Decision notified to the complainant", "作出处理决定并告知投诉人"),
        "start": "created",
        "duration": duration,
        "pausable": True,
        "restart_on_new_facts": True,
        "kinds": ["complaint"],
    }


# order art 20: the superior institution decides a review within 30 days of the request.
# The article names no stop-the-clock cause, so the review clock never pauses.
_REVIEW = {
    "name": REVIEW_DECISION,
    "label": label("Review decided by the superior institution", "上级机构作出核查决定"),
    "start": "created",
    "duration": _days(30),
    "kinds": ["appeal"],
}

KINDS = ["inquiry", "consultation", "complaint", "appeal"]

VALIDITY_REASONS = [
    # order art 18 (last para), art 14: not the consumer, legal representative,
    # authorised agent or heir; whoever raised it is told (pending: lifecycle).
    choice(
        "not_consumer_or_agent",
        "Not raised by the consumer, a legal representative or an authorised agent",
        "非消费者本人、法定代理人或受托人提出",
    ),
    # order art 13 lets the institution require the complainant's identity; without it
    # art 18's check of who raised the complaint cannot be made.
    choice(
        "anonymous", "Anonymous: the complainant cannot be identified", "匿名投诉，无法确认投诉人"
    ),
    # order art 13 (contact details) and art 18 (the decision is told to the complainant).
    choice(
        "no_contact",
        "No way to tell the complainant the decision",
        "无有效联系方式，无法告知处理决定",
    ),
    # order arts 2, 11: a consumer's dispute over the institution's own product or service.
    choice(
        "not_consumer_dispute",
        "Not a consumer dispute over our product or service",
        "不属于本机构产品或服务引起的消费纠纷",
    ),
    # order art 20: a review is requested within 30 days of receiving the decision.
    choice(
        "review_too_late",
        "Review requested more than 30 days after the decision was received",
        "收到处理决定30日后才申请核查",
    ),
    # order art 20: only a branch's decision goes to its superior institution for review.
    choice(
        "review_not_available",
        "A head-office decision has no superior review (mediation, arbitration or court)",
        "总行（总公司）作出的处理决定不适用上级机构核查",
    ),
]

INVALID_RULES = [
    {
        "reason": "not_consumer_or_agent",
        "when": {
            "field": "complainant_role",
            "op": "==",
            "value": "other",
            "label": label("raised by someone else", "由他人提出"),
        },
    },
    {
        "reason": "anonymous",
        "when": {"flag": "customer.anonymous", "label": label("anonymous", "匿名")},
    },
    {
        "reason": "no_contact",
        # A letter carries a postal address, which the customer record has no place for.
        "when": {
            "all": [
                {"not": {"flag": "has_contact"}},
                {"field": "channel", "op": "!=", "value": "letter"},
            ],
            "label": label("neither phone nor e-mail", "无电话和电子邮箱"),
        },
    },
    {
        "reason": "not_consumer_dispute",
        "when": {
            "flag": "outside_scope",
            "label": label("outside our products and services", "非本机构产品或服务"),
        },
    },
    {
        "reason": "review_too_late",
        # The fact is only derived for review requests (appeals).
        "when": {
            "flag": "review_request_late",
            "label": label("review window of 30 days passed", "已超过30日核查申请期限"),
        },
    },
    {
        "reason": "review_not_available",
        "when": {
            "all": [
                {"field": "kind", "op": "==", "value": "appeal"},
                {"field": "original_decision_by", "op": "==", "value": "head_office"},
            ],
            "label": label("decision made by the head office", "原决定由总行（总公司）作出"),
        },
    },
]

CHANNEL_LEVELS = [
    choice("branch", "Branch or outlet", "分支机构受理"),
    choice("head_office", "Head office", "总行（总公司）受理"),
    choice("regulator", "Regulator referral", "监管转办"),
    choice("external", "Association or media", "协会或媒体转来"),
]

# order art 10 (published complaint channels: phone, address, website, app, outlets);
# art 12 (face to face at a designated reception place); 12378 is the regulator's
# consumer hotline; the 2007 notice art 12 (seed 001) names the industry associations.
CHANNELS = [
    {
        "key": "counter",
        "label": label("Outlet counter (in person)", "营业网点（面谈）"),
        "level": "branch",
    },
    {
        "key": "visit",
        "label": label("Complaint reception (in person)", "投诉接待场所（面谈）"),
        "level": "branch",
    },
    {"key": "branch_phone", "label": label("Branch telephone", "分支机构电话"), "level": "branch"},
    {"key": "letter", "label": label("Letter", "信函"), "level": "branch"},
    {
        "key": "hotline",
        "label": label("Customer-service hotline (95xxx)", "客服热线（95xxx）"),
        "level": "head_office",
    },
    {
        "key": "online",
        "label": label("Website, mobile banking or app", "网站、手机银行或App"),
        "level": "head_office",
    },
    {"key": "email", "label": label("E-mail", "电子邮件"), "level": "head_office"},
    {
        "key": "hq_referral",
        "label": label("Referred by the head office", "总行（总公司）转办"),
        "level": "head_office",
    },
    {
        "key": "regulator",
        "label": label("Regulator referral (12378, local office)", "监管转办（12378、派出机构）"),
        "level": "regulator",
    },
    {
        "key": "association",
        "label": label("Industry or consumer association", "行业协会或消费者协会转办"),
        "level": "external",
    },
    {
        "key": "media",
        "label": label("Media or online exposure", "媒体或网络曝光"),
        "level": "external",
    },
]

# 2007 notice art 7 (seed 001): statistics by product, service, channel, staff
# behaviour, internal management and financial crime (satisfaction comes from callbacks).
CATEGORIES = [
    choice("product", "Product", "产品"),
    choice("service", "Service", "服务"),
    choice("channel", "Channel", "渠道"),
    choice("staff_behaviour", "Staff behaviour", "员工行为"),
    choice("internal_management", "Internal management", "内部管理"),
    choice("financial_crime", "Financial crime", "金融犯罪"),
]

_MAJOR_WHEN = {
    "any": [
        # order art 29(1)
        {
            "field": "triggering_event",
            "op": "in",
            "value": list(MAJOR_EVENTS),
            "label": label(
                "caused by a natural disaster, safety accident or public-health event",
                "因自然灾害、安全事故或公共卫生事件引发",
            ),
        },
        # order art 29(2); 2007 notice art 8 asks for prompt reports of major complaints
        {
            "all": [
                {"field": "channel", "op": "in", "value": list(FACE_TO_FACE_CHANNELS)},
                {"field": "complainants", "op": ">=", "value": 20},
            ],
            "label": label(
                "20 or more complainants in a joint face-to-face complaint",
                "20名以上投诉人采取面谈方式共同投诉",
            ),
        },
        # order art 29(3)
        {
            "flag": "regulator_designated_major",
            "label": label("designated major by the regulator", "监管机构认定的重大投诉"),
        },
    ]
}

# Across sectors: a complaint that came down from a higher body or went over the
# handler's head carries the referring body's deadline and raises the tier.
_ESCALATED_WHEN = {
    "any": [
        {
            "field": "channel_level",
            "op": "in",
            "value": ["regulator", "external"],
            "label": label(
                "referred by the regulator, an association or the media", "由监管、协会或媒体转来"
            ),
        },
        {
            "field": "channel",
            "op": "==",
            "value": "hq_referral",
            "label": label("referred down by the head office", "总行（总公司）转办"),
        },
        {"flag": "over_the_head", "label": label("went over the handler's head", "越级投诉")},
    ]
}

TIERS = [
    {
        "key": MAJOR,
        "label": label("Major consumer complaint", "重大消费投诉"),
        "when": _MAJOR_WHEN,
        "milestones": [
            # order art 29 and 2007 notice art 8: report to the regulator promptly (及时).
            # Neither gives a figure: 24 hours is our reading, change it freely.
            {
                "name": REGULATOR_REPORT,
                "label": label("Reported to the regulator", "向监管机构报告"),
                "start": "classified",
                "duration": {"amount": 24, "unit": "hours"},
                "kinds": ["complaint"],
                # Recorded as the regulator's confirmation (plugins/banking/regulator_report.py).
                "met_by": ["confirm:regulator"],
            },
            _decision(_days(15)),  # order art 18
            _REVIEW,
        ],
        "escalation_target": "senior_management",
        # order art 18 caps the total at 60 days; art 29 puts major complaints under the
        # emergency mechanism, so senior management approves any extension.
        "extension": {"approver_role": "senior_manager", "max": _days(45)},
    },
    {
        "key": ESCALATED,
        "label": label("Escalated complaint", "升级投诉"),
        "when": _ESCALATED_WHEN,
        "milestones": [
            # The referring body's deadline (given as the requested deadline) when it is
            # shorter; never longer than order art 18's 15 days.
            _decision({"amount": 1, "unit": "requested"}) | {"default": _days(15)},
            _REVIEW,
        ],
        "escalation_target": "hq_consumer_protection",
        "extension": {"approver_role": "senior_manager", "max": _days(45)},
    },
    {
        "key": COMPLEX,
        "label": label("Complex complaint", "复杂投诉"),
        "when": {
            "flag": "complex_case",
            "label": label("facts unclear or dispute not simple", "事实不清或争议复杂"),
        },
        "milestones": [_decision(_days(30)), _REVIEW],  # order art 18
        "escalation_target": "hq_consumer_protection",
        # order art 18: especially complex, another 30 days with the approval of the
        # superior institution or a head-office senior manager, the complainant told.
        "extension": {"approver_role": "senior_manager", "max": _days(30)},
    },
    {
        "key": ORDINARY,
        "label": label("Ordinary complaint", "一般投诉"),
        "milestones": [_decision(_days(15)), _REVIEW],  # order art 18
        "escalation_target": "branch_consumer_protection",
        # order art 18: "may be extended to 30 days" when complex; it names no approver,
        # so the supervisor records the judgement.
        "extension": {"approver_role": "supervisor", "max": _days(15)},
    },
]

# order art 4 (the institution manages its branches' handling); 2007 notice art 2
# (a responsible department independent of the matter) and art 8 (reports to senior
# management); order art 18 (senior managers approve the longest extension).
ESCALATION_CHAIN = [
    {"key": "outlet", "label": label("Outlet manager", "网点负责人"), "role": "supervisor"},
    {
        "key": "branch_consumer_protection",
        "label": label("Branch consumer-protection department", "分行消费者权益保护部门"),
        "department": "cp_branch",
        "role": "supervisor",
    },
    {
        "key": "hq_consumer_protection",
        "label": label(
            "Head-office consumer-protection department", "总行（总公司）消费者权益保护部门"
        ),
        "department": "cp_head_office",
        "role": "supervisor",
    },
    {
        "key": "senior_management",
        "label": label("Senior management", "高级管理层"),
        "role": "senior_manager",
    },
]

_DOCUMENT: dict[str, Any] = {
    "schema_version": 1,
    "fields": FIELDS,
    "kinds": KINDS,
    "validity_reasons": VALIDITY_REASONS,
    "invalid_rules": INVALID_RULES,
    "channel_levels": CHANNEL_LEVELS,
    "channels": CHANNELS,
    "categories": CATEGORIES,
    "tiers": TIERS,
    "default_tier": ORDINARY,
    "escalation_chain": ESCALATION_CHAIN,
    # No figure in the rules: warn when 80% of a window has passed.
    "warn_at_share": 0.8,
    # The banking rules set no callback, yet satisfaction is a required statistic (2007
    # notice art 7); seed 003's call-centre practice calls back within 3 days.
    "callback": {
        "after": {"amount": 1, "unit": "hours"},
        "within": {"amount": 3, "unit": "calendar_days"},
    },
    # order art 18's 15 days is a maximum: a requested deadline may only shorten it.
    "requested_deadline_may_lengthen": False,
    # 2007 notice art 2: a department independent of the matter checks the handling.
    # The share and the period are ours (the notice names neither); rename the
    # department code to the tenant's own internal-audit department.
    # Many complainants, one matter (the fields complainants and representatives count
    # them on one ticket): five of one category, product and branch within a day are
    # grouped as they come in (the figures are ours).
    "batch": {"at_least": 5, "within_hours": 24, "fields": ["category", "product", "branch"]},
    "independent_review": {"share": 0.05, "period": "quarterly", "department": "internal_audit"},
}


def default_policy() -> dict[str, Any]:
    """A fresh copy of the default document, the caller's to change."""
    return copy.deepcopy(_DOCUMENT)
