"""The ticket fields a banking or insurance complaint carries.

Each field exists because a rule tests it or a later lifecycle rule will need it; the
comment next to it names that rule. Sources: 银行业保险业消费投诉处理管理办法 (CBIRC
order 2020 No.3, "order"), the 2007 CBRC notice in seed 001.
"""

from __future__ import annotations

from typing import Any

from portal.sectorkit import choice, label

# The face-to-face channels: a group complaint made in person is what art 29(2) counts.
FACE_TO_FACE_CHANNELS = ("counter", "visit")

MAJOR_EVENTS = ("natural_disaster", "safety_accident", "public_health_event")

FIELDS: list[dict[str, Any]] = [
    # Statistics by product (2007 notice art 7, seed 001); banks and insurers share the
    # order, so both product families are listed.
    {
        "key": "product",
        "label": label("Product or service", "产品或服务"),
        "type": "choice",
        "choices": [
            choice("deposit", "Deposits", "存款"),
            choice("loan", "Loans and mortgages", "贷款"),
            choice("bank_card", "Debit card", "借记卡"),
            choice("credit_card", "Credit card", "信用卡"),
            choice("payment", "Payments and transfers", "支付结算"),
            choice("wealth_management", "Wealth management", "理财"),
            choice("agency_sales", "Products sold as agent (funds, insurance)", "代销产品"),
            choice("life_insurance", "Life and health insurance", "人身保险"),
            choice("property_insurance", "Property and motor insurance", "财产保险"),
            choice("other", "Other", "其他"),
        ],
    },
    # What the consumer claims (art 2: the complaint asserts a civil right).
    {
        "key": "amount",
        "label": label("Amount in dispute (yuan)", "争议金额（元）"),
        "type": "number",
        "min": 0,
    },
    # The outlet complained about: territorial handling (art 4) and the recusal check
    # (art 17) both need to know it.
    {
        "key": "branch",
        "label": label("Branch or outlet concerned", "被投诉机构或网点"),
        "type": "string",
        "max_length": 100,
    },
    # Who raised it: only the consumer, a legal representative or an authorised agent
    # (arts 14, 18), or an heir (art 14), is handled.
    {
        "key": "complainant_role",
        "label": label("Complaint raised by", "投诉提出人身份"),
        "type": "choice",
        "choices": [
            choice("consumer", "The consumer", "消费者本人"),
            choice("legal_representative", "Legal representative", "法定代理人"),
            choice("authorised_agent", "Authorised agent", "受托人（有授权委托书）"),
            choice("heir", "Heir of the consumer", "消费者继承人"),
            choice("other", "Someone else", "其他人"),
        ],
    },
    # A joint complaint: 20 or more in person makes it major (art 29(2)).
    {
        "key": "complainants",
        "label": label("Number of complainants", "投诉人数"),
        "type": "integer",
        "min": 1,
    },
    # A group complaining in person chooses at most 5 representatives (art 12): the
    # form refuses a sixth.
    {
        "key": "representatives",
        "label": label("Representatives of a group", "群体投诉代表人数"),
        "type": "integer",
        "min": 1,
        "max": 5,
    },
    # Caused by a natural disaster, safety accident or public-health event (art 29(1)).
    {
        "key": "triggering_event",
        "label": label("Caused by", "引发事件"),
        "type": "choice",
        "choices": [
            choice("natural_disaster", "Natural disaster", "自然灾害"),
            choice("safety_accident", "Safety accident", "安全事故"),
            choice("public_health_event", "Public-health event", "公共卫生事件"),
        ],
    },
    # Designated major by the regulator (art 29(3)).
    {
        "key": "regulator_designated_major",
        "label": label("Designated major by the regulator", "监管机构认定为重大投诉"),
        "type": "boolean",
        "public": False,  # staff judge it
    },
    # Facts unclear or the dispute not simple: 30 days instead of 15 (art 18).
    {
        "key": "complex_case",
        "label": label("Complex case", "情况复杂"),
        "type": "boolean",
        "public": False,  # staff judge it
    },
    # Went over the handler's head (越级), an escalated complaint (sector-rules, Across
    # sectors).
    {
        "key": "over_the_head",
        "label": label("Went over the handler's head", "越级投诉"),
        "type": "boolean",
        "public": False,  # staff judge it
    },
    # Not a dispute over our own product or service (arts 2, 11).
    {
        "key": "outside_scope",
        "label": label("Not about our product or service", "非本机构产品或服务纠纷"),
        "type": "boolean",
        "public": False,  # staff judge it
    },
    # The staff member complained about, who must not handle the ticket (art 17).
    {
        "key": "staff_complained_about",
        "label": label("Staff member complained about", "被投诉从业人员"),
        "type": "string",
        "max_length": 100,
    },
    # A repeat complaint with new facts or reasons restarts the clock (art 18).
    {
        "key": "new_facts_or_reasons",
        "label": label("Repeat complaint with new facts or reasons", "重复投诉提出新的事实和理由"),
        "type": "boolean",
    },
    # A review request (核查) comes within 30 days of receiving the decision (art 20).
    {
        "key": "decision_received_on",
        "label": label("Decision received by the customer on", "投诉人收到处理决定日期"),
        "type": "date",
    },
    # The dispute went to court: reported as "turned into litigation" (seed 001, 2007
    # CBRC notice art 7).
    {
        "key": "litigation",
        "label": label("Turned into litigation", "已转为诉讼"),
        "type": "boolean",
        "public": False,  # staff record it
    },
    # Only a branch's decision can be reviewed, by its superior institution (art 20).
    {
        "key": "original_decision_by",
        "label": label("Decision under review made by", "原处理决定作出机构"),
        "type": "choice",
        "choices": [
            choice("branch", "A branch", "分支机构"),
            choice("head_office", "The head office", "总行或总公司"),
        ],
    },
]
