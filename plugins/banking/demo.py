"""Example tickets for the demo tenant: one of each tier, invalid reason and special case.

Deterministic: the same ``now`` and ``count`` give the same tickets. Beyond the list of
cases they repeat with other customers and times.

The caller may open a ticket weeks after ``now`` (the portal's demo spreads them over
three), so a referral's deadline lies four weeks ahead and the review request meant to be
on time was made two days after its decision: each case shows the same rule whenever the
ticket is opened inside that span.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from plugins.banking.facts import LEGAL_ZONE

_SEED = 20200301  # order 2020 No.3 came into force on 2020-03-01
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英桂兰建华志"
_MOBILE_PREFIXES = ["138", "139", "150", "158", "186", "177", "189"]


@dataclass(frozen=True)
class _Case:
    kind: str
    channel: str
    category: str | None
    subject: str
    description: str
    fields: dict[str, Any]
    days_ago: int
    customer: str = "named"  # named, anonymous, or no_contact
    decision_days_ago: int | None = None
    referral_days: int | None = None


_CASES = [
    _Case(
        "complaint",
        "hotline",
        "product",
        "信用卡年费未经告知扣收",
        "去年申领白金信用卡时，客户经理称首年免年费、年内刷卡满六次免次年年费。本月账单扣收年费680元，"
        "本人全年刷卡已超过六次，要求退还年费并说明扣费依据。",
        {"product": "credit_card", "amount": 680, "complainant_role": "consumer"},
        12,
    ),
    _Case(
        "complaint",
        "counter",
        "staff_behaviour",
        "理财产品销售时未揭示风险",
        "2025年在网点购买理财产品，理财经理张某称其“保本稳健”，未做风险测评，也未告知可能亏损。"
        "现产品到期亏损约1.2万元，要求调取当时的录音录像核实销售过程，并赔偿损失。",
        {
            "product": "wealth_management",
            "amount": 12000,
            "complex_case": True,
            "staff_complained_about": "理财经理张某",
            "branch": "城东支行",
            "complainant_role": "consumer",
        },
        40,
    ),
    _Case(
        "complaint",
        "hotline",
        "service",
        "暴雨泡水车辆迟迟未定损",
        "特大暴雨中车辆在地下车库被淹，当天即报案。至今已三周，查勘员仍未上门定损，电话多次无人回复。"
        "同小区还有几十户车主遇到同样情况，请尽快安排定损理赔。",
        {
            "product": "property_insurance",
            "amount": 86000,
            "triggering_event": "natural_disaster",
            "complainant_role": "consumer",
        },
        21,
    ),
    _Case(
        "complaint",
        "visit",
        "product",
        "楼盘停工，按揭贷款仍在扣款",
        "我们是同一楼盘的23名购房人，楼盘已停工半年，贵行作为按揭贷款行仍按月扣款。今天推选5名代表到投诉接待室，"
        "要求说明监管账户资金流向，并协商暂停还款。",
        {
            "product": "loan",
            "complainants": 23,
            "representatives": 5,
            "complainant_role": "consumer",
        },
        180,
    ),
    _Case(
        "complaint",
        "regulator",
        "service",
        "12378转办：定期存款提前支取利息有误",
        "客户通过12378热线反映：在网点办理定期存款提前支取，实得利息比柜员告知的少约300元。"
        "监管转办单要求在规定期限内核实处理并回复。",
        {"product": "deposit", "amount": 300, "complainant_role": "consumer"},
        9,
        referral_days=25,
    ),
    _Case(
        "complaint",
        "branch_phone",
        "service",
        "邻居代为投诉催收电话",
        "来电人自称借款人的邻居，反映催收人员频繁来电，要求停止催收。来电人不能提供借款人的授权委托书，"
        "也不愿留下借款人的联系方式。",
        {"product": "loan", "complainant_role": "other"},
        3,
    ),
    _Case(
        "complaint",
        "online",
        "staff_behaviour",
        "匿名留言反映柜员服务态度",
        "网上留言称：上周五下午某网点柜员办理业务时态度冷淡，多次催促老年客户。留言未署名，也未留联系方式。",
        {"branch": "人民路支行"},
        6,
        customer="anonymous",
    ),
    _Case(
        "appeal",
        "letter",
        "product",
        "对分公司拒赔决定申请核查",
        "本人重疾险理赔被分公司以“投保前未如实告知既往症”为由拒赔，已收到书面处理决定。"
        "投保前的体检报告并无相关记录，对该决定不服，现书面申请上级公司核查。",
        {
            "product": "life_insurance",
            "amount": 300000,
            "complainant_role": "consumer",
            "original_decision_by": "branch",
        },
        70,
        decision_days_ago=2,
    ),
    _Case(
        "appeal",
        "online",
        "product",
        "对两个多月前的处理决定申请核查",
        "本人对某支行关于信用卡逾期罚息的处理决定仍有异议，该决定两个多月前已收到，现申请上级行重新核查。",
        {
            "product": "credit_card",
            "amount": 1250,
            "complainant_role": "consumer",
            "original_decision_by": "branch",
        },
        120,
        decision_days_ago=75,
    ),
    _Case(
        "appeal",
        "email",
        "channel",
        "对总行处理决定不服要求核查",
        "手机银行转账被他人冒用一事，本人已收到总行消费者权益保护部的处理决定，对结果不满意，要求再次核查。",
        {
            "product": "payment",
            "amount": 15000,
            "complainant_role": "consumer",
            "original_decision_by": "head_office",
        },
        60,
        decision_days_ago=3,
    ),
    _Case(
        "consultation",
        "hotline",
        None,
        "咨询大额存单起存金额和利率",
        "想了解三年期大额存单的起存金额、当前利率，以及能否提前转让。",
        {"product": "deposit"},
        1,
    ),
    _Case(
        "inquiry",
        "online",
        None,
        "跨行转账未到账查询",
        "昨天下午通过手机银行向他行账户转账5000元，显示“处理中”，对方至今未收到，请查询资金去向。",
        {"product": "payment", "amount": 5000},
        1,
    ),
    _Case(
        "complaint",
        "media",
        "product",
        "网络曝光：办理贷款被搭售保险",
        "某短视频平台有用户发帖称，在网点办理经营贷时被要求同时购买一份意外险，否则不予放款，帖子已被大量转发。",
        {"product": "agency_sales", "amount": 3600, "complainant_role": "consumer"},
        4,
    ),
    _Case(
        "complaint",
        "counter",
        "service",
        "网点门口台阶湿滑致客户摔伤",
        "雨天网点门口台阶未放置防滑垫和警示标识，客户进门时滑倒致手腕骨折，要求赔偿医疗费用并整改。",
        {
            "triggering_event": "safety_accident",
            "amount": 9800,
            "branch": "解放路网点",
            "complainant_role": "consumer",
        },
        2,
    ),
    _Case(
        "complaint",
        "hotline",
        "service",
        "投诉他行ATM吞卡",
        "来电人在商场内一台其他银行的ATM上取款时被吞卡，要求本行处理。经核实该ATM不属于本行。",
        {"product": "bank_card", "outside_scope": True, "complainant_role": "consumer"},
        1,
    ),
    _Case(
        "complaint",
        "online",
        "product",
        "再次投诉：分期手续费有新证据",
        "上次投诉信用卡分期手续费问题尚未处理完毕。现找到当时营销短信截图，短信写明“零手续费”，"
        "与实际收取的手续费不符，请一并核实。",
        {
            "product": "credit_card",
            "amount": 1440,
            "new_facts_or_reasons": True,
            "complainant_role": "consumer",
        },
        20,
    ),
    _Case(
        "complaint",
        "hotline",
        "channel",
        "多名客户反映手机银行升级后无法登录",
        "来电人代表单位25名员工反映：工资卡所在银行的手机银行升级后均无法登录，影响还款和转账。",
        {"product": "payment", "complainants": 25, "complainant_role": "authorised_agent"},
        1,
    ),
    _Case(
        "complaint",
        "regulator",
        "product",
        "监管认定重大投诉：代销私募产品兑付逾期",
        "六十余名客户通过网点购买的同一只代销私募产品到期未兑付，监管机构已将此事认定为重大消费投诉并要求报告处置进展。",
        {
            "product": "agency_sales",
            "amount": 18000000,
            "complainants": 62,
            "regulator_designated_major": True,
            "complainant_role": "consumer",
        },
        30,
        referral_days=28,
    ),
    _Case(
        "complaint",
        "hotline",
        "internal_management",
        "支行处理不力，直接向总行投诉",
        "提前还清房贷已一个月，支行仍未办理抵押注销，多次催办无果，现直接向总行投诉。",
        {
            "product": "loan",
            "over_the_head": True,
            "branch": "滨江支行",
            "complainant_role": "consumer",
        },
        35,
    ),
    _Case(
        "complaint",
        "online",
        "service",
        "网上留言未留联系方式",
        "网上留言反映手机银行转账限额被无故调低，留言人署名但未留电话或邮箱。",
        {"product": "payment", "complainant_role": "consumer"},
        2,
        customer="no_contact",
    ),
    _Case(
        "complaint",
        "counter",
        "service",
        "继承人支取已故父亲存款手续繁琐",
        "父亲去世后，作为继承人到网点办理存款支取，网点要求的材料前后三次说法不一，往返多次仍未办成。",
        {"product": "deposit", "amount": 56000, "complainant_role": "heir"},
        14,
    ),
]


def demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    rng = random.Random(_SEED)
    local_now = now.astimezone(LEGAL_ZONE)
    return [_ticket(_CASES[i % len(_CASES)], local_now, rng) for i in range(count)]


def _ticket(case: _Case, now: datetime, rng: random.Random) -> dict[str, Any]:
    fields = dict(case.fields)
    if case.decision_days_ago is not None:
        fields["decision_received_on"] = (
            now.date() - timedelta(days=case.decision_days_ago)
        ).isoformat()
    requested = None
    if case.referral_days is not None:
        requested = datetime.combine(
            now.date() + timedelta(days=case.referral_days), time(17, 30), tzinfo=LEGAL_ZONE
        )
    # Office hours on an earlier day: every case is at least a day old.
    at = time(rng.randint(8, 19), rng.choice((0, 15, 30, 45)))
    occurred = datetime.combine(now.date() - timedelta(days=case.days_ago), at, tzinfo=LEGAL_ZONE)
    return {
        "kind": case.kind,
        "channel": case.channel,
        "category": case.category,
        "subject": case.subject,
        "description": case.description,
        "customer": _customer(case.customer, rng),
        "fields": fields,
        "occurred_at": occurred,
        "requested_due_at": requested,
    }


def _customer(mode: str, rng: random.Random) -> dict[str, Any]:
    if mode == "anonymous":
        return {"name": None, "phone": None, "email": None, "anonymous": True}
    name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
    if mode == "no_contact":
        return {"name": name, "phone": None, "email": None, "anonymous": False}
    phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    email = f"kehu{rng.randrange(1000, 9999)}@example.com" if rng.random() < 0.3 else None
    return {"name": name, "phone": phone, "email": email, "anonymous": False}
