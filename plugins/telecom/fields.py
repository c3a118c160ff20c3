"""The ticket fields a telecom tenant records: what the validity, tier and appeal rules test.

Boolean checks that decide validity are phrased so that only an explicit ``false``
invalidates a ticket: an agent who has not yet checked leaves them empty.
"""

from __future__ import annotations

from typing import Any

from portal.sectorkit import Doc, label


def _field(key: str, en: str, zh: str, kind: str, **options: Any) -> Doc:
    return {"key": key, "label": label(en, zh), "type": kind, **options}


def _choices(*items: tuple[str, str, str]) -> list[Doc]:
    return [{"key": key, "label": label(en, zh)} for key, en, zh in items]


def fields() -> list[Doc]:
    return [
        # --- what the ticket is about -----------------------------------------------------
        _field("service_number", "Service number", "业务号码", "string", max_length=32),
        _field(
            "business_line",
            "Business line",
            "业务类别",
            "choice",
            choices=_choices(
                ("mobile", "Mobile", "移动业务"),
                ("fixed_line", "Fixed line", "固定电话"),
                ("broadband", "Broadband", "宽带"),
                ("iptv", "IPTV", "IPTV电视"),
                ("value_added", "Value-added service", "增值业务"),
                ("terminal", "Handset or terminal", "终端"),
            ),
        ),
        # 电信条例 art 32: repair within 48 h in towns, 72 h in rural areas.
        _field(
            "area",
            "Service area",
            "服务区域",
            "choice",
            choices=_choices(("urban", "Town", "城镇"), ("rural", "Rural", "农村")),
        ),
        _field("amount", "Amount in dispute (yuan)", "争议金额（元）", "number", min=0),
        # 电信条例 art 33: a charge of 5x the previous 3 months' average is a huge bill;
        # facts.py derives bill_ratio from these two.
        _field(
            "bill_amount", "Disputed month's charge (yuan)", "争议月份费用（元）", "number", min=0
        ),
        _field(
            "average_bill_3m",
            "Average monthly charge, previous 3 months (yuan)",
            "此前三个月月均费用（元）",
            "number",
            min=0,
        ),
        # China Telecom measures art 7 (seed 003): why this is a complaint and not a
        # consultation or a fault report.
        _field(
            "complaint_basis",
            "Why it is a complaint",
            "投诉认定情形",
            "choice",
            choices=_choices(
                ("direct", "Complaint from the start", "直接投诉"),
                (
                    "unsatisfied_after_explanation",
                    "Still dissatisfied after explanation",
                    "咨询经解释仍不满",
                ),
                ("time_limit_missed", "Time limit missed", "超过标准时限"),
                ("poor_result", "Result not satisfactory", "处理结果不理想"),
                ("network_fault", "Network or platform fault", "网络或平台故障"),
            ),
        ),
        # --- validity: China Telecom measures art 8(2); order 35 arts 10-11 ----------------
        _field(
            "direct_party",
            "Complainant is the customer or directly concerned",
            "投诉人为客户本人或直接利害关系人",
            "boolean",
        ),
        _field(
            "specific_enough",
            "Matter and request specific enough to check",
            "投诉事项及请求具体、可核实",
            "boolean",
            public=False,  # staff judge it
        ),
        _field(
            "in_scope",
            "Within the company's and telecom services' scope",
            "属本公司管理范畴及电信服务范围",
            "boolean",
            public=False,
        ),
        # --- special handling (branch measures, seed 003; seed 000 Ⅷ) -----------------------
        _field("media_involved", "Media involved", "媒体介入或曝光", "boolean"),
        _field("batch", "Batch complaint", "批量投诉", "boolean", public=False),
        _field(
            "over_head_tendency",
            "Has gone or threatens to go over our heads",
            "越级投诉记录或越级倾向",
            "boolean",
            public=False,
        ),
        # Repeat complaint whose earlier result the customer rejects: the new ticket
        # records why (branch measures ⒉(2)).
        _field(
            "dissatisfaction_reason",
            "Why the earlier result was rejected",
            "对前次处理结果不满意的原因",
            "string",
            max_length=500,
        ),
        # --- appeals (order 35 arts 10-11): what the appeal centre checks --------------------
        _field("respondent", "Respondent (operator)", "被申诉人", "string", max_length=200),
        _field(
            "operator_complaint",
            "Complaint to the operator first",
            "向电信业务经营者投诉情况",
            "choice",
            choices=_choices(
                ("not_made", "Not made", "未投诉"),
                ("no_reply", "Made, no answer", "已投诉、未获答复"),
                ("rejected", "Made, answer rejected", "已投诉、不满意处理结果"),
            ),
        ),
        _field(
            "operator_complaint_date",
            "Date of the complaint to the operator",
            "向经营者投诉日期",
            "date",
        ),
        _field("settled", "Settled and carried out", "双方已和解并执行", "boolean"),
        _field(
            "handled_by_appeal_body",
            "Already accepted or handled by an appeal body",
            "申诉受理机构已受理或处理",
            "boolean",
        ),
        _field(
            "before_other_body",
            "Before a court, arbitration, consumer body or other agency",
            "法院、仲裁机构、消费者组织或其他机关已受理",
            "boolean",
        ),
    ]
