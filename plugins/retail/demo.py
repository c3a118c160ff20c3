"""Example retail tickets for the demo tenant: every tier, every invalid reason and the
special cases (referral deadline, statutory return period, threats, repeat complaint).

Deterministic: the same ``now`` and ``count`` always give the same tickets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

__all__ = ["demo_tickets"]

_SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
_DAY_HOURS: Final = 24
# Past the demo's window (the demo opens the tickets over the weeks after ``now``), and
# about the 45 working days a regulator's mediation may last (SAMR order 20).
_REFERRAL_DEADLINE: Final = timedelta(days=60)

_STORES: Final = (
    "南京新街口店",
    "南京河西万达店",
    "苏州观前街店",
    "无锡中山路店",
    "常州南大街店",
    "扬州文昌阁店",
)
_SURNAMES: Final = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"

Customer = Literal["named", "anonymous", "unreachable", "regular"]


@dataclass(frozen=True)
class _Scenario:
    kind: str
    channel: str
    category: str | None
    subject: str
    description: str  # may name {store}
    fields: dict[str, Any] = field(default_factory=dict)
    amount: tuple[int, int] | None = None
    received_days_ago: tuple[int, int] | None = None
    occurred_hours_ago: tuple[int, int] = (1, 72)
    customer: Customer = "named"
    referral: bool = False
    at_store: bool = True


_THREE_YEARS_HOURS: Final = (3 * 365 + 1) * _DAY_HOURS

# Interleaved, so that even a handful of tickets shows several tiers and reasons.
_SCENARIOS: Final = (
    _Scenario(
        "complaint",
        "store",
        "other",
        "整箱白酒疑似假冒",
        "顾客在{store}购买整箱白酒用于婚宴，饮用后怀疑为假酒，要求退一赔三。",
        {"request": "compensation", "fraud_alleged": True, "sale_record": "matched"},
        amount=(5000, 12000),
    ),
    _Scenario(
        "complaint",
        "regulator",
        "other",
        "12315转办：销售过期酸奶",
        "市场监管部门转办：消费者反映在{store}购买的酸奶已过保质期两天，要求赔偿，"
        "转办单位要求按期反馈处理结果。",
        {"request": "compensation", "quality_problem": True},
        amount=(10, 60),
        referral=True,
    ),
    _Scenario(
        "complaint",
        "store",
        "misunderstanding",
        "会员价未生效",
        "顾客在{store}购买洗衣液，认为会员价适用于全部规格，结账时按原价收费，"
        "要求退还差价。经核实促销仅限2升装。",
        {"request": "compensation"},
        amount=(12, 40),
    ),
    _Scenario(
        "complaint",
        "web",
        "other",
        "匿名反映熟食区卫生差",
        "网友匿名留言称{store}熟食区卫生状况差，柜台内有苍蝇。",
        {"request": "other"},
        customer="anonymous",
    ),
    _Scenario(
        "complaint",
        "app",
        "return_no_defect",
        "网购耳机七日内申请无理由退货被拒",
        "顾客通过App下单购买蓝牙耳机，收货后数日内申请无理由退货，"
        "客服以“特殊商品离柜不退”为由拒绝，顾客不满。",
        {"request": "refund", "sales_mode": "distance"},
        amount=(199, 699),
        received_days_ago=(1, 4),
        occurred_hours_ago=(1, 20),
        at_store=False,
    ),
    _Scenario(
        "complaint",
        "store",
        "other",
        "卖场地面湿滑顾客摔倒受伤",
        "顾客在{store}生鲜区因地面积水滑倒，手腕骨折送医，要求承担医药费和误工费。",
        {"request": "compensation", "personal_injury": True},
        amount=(1500, 8000),
    ),
    _Scenario(
        "consultation",
        "phone",
        None,
        "咨询会员积分兑换规则",
        "顾客来电咨询会员积分能否在各门店通用，以及积分何时清零。",
        at_store=False,
    ),
    _Scenario(
        "complaint",
        "store",
        "return_no_defect",
        "退货未果顾客扬言报复",
        "顾客要求退回已拆封的商品被拒后在{store}大声辱骂店员，扬言要砸柜台、堵门，门店已报警。",
        {"request": "refund", "threat_to_staff": True, "sales_mode": "in_store"},
        amount=(100, 600),
        occurred_hours_ago=(1, 6),
    ),
    _Scenario(
        "complaint",
        "phone",
        "service_attitude",
        "收银员态度恶劣",
        "顾客来电反映{store}收银员结账时不耐烦，把找零扔在柜台上，要求门店道歉。",
        {"request": "apology"},
    ),
    _Scenario(
        "complaint",
        "email",
        "return_defect",
        "三年多前购买的电水壶要求赔偿",
        "顾客来邮件称三年多前在{store}购买的电水壶有漏电隐患，现要求赔偿。",
        {"request": "compensation", "quality_problem": True},
        amount=(89, 259),
        occurred_hours_ago=(
            _THREE_YEARS_HOURS + 60 * _DAY_HOURS,
            _THREE_YEARS_HOURS + 400 * _DAY_HOURS,
        ),
    ),
    _Scenario(
        "complaint",
        "phone",
        "other",
        "促销活动多名顾客被重复扣款",
        "周末满减活动期间，{store}收银系统故障导致多名顾客被重复扣款，已有十余名顾客来电投诉。",
        {"request": "refund", "group_harm": True},
        amount=(50, 300),
    ),
    _Scenario(
        "complaint",
        "store",
        "return_defect",
        "所购卷烟发霉要求换货",
        "顾客称上月在{store}购买的卷烟拆封后发现霉变，要求换货。需核对条包喷码与本店记录是否一致。",
        {
            "request": "exchange",
            "quality_problem": True,
            "sales_mode": "in_store",
            "sale_record": "matched",
        },
        amount=(200, 700),
        received_days_ago=(20, 40),
    ),
    _Scenario(
        "complaint",
        "media",
        "service_attitude",
        "顾客在微博曝光店员辱骂",
        "顾客在微博发帖曝光{store}店员辱骂顾客，转发量较大，要求公开道歉。",
        {"request": "apology", "media_involved": True},
    ),
    _Scenario(
        "complaint",
        "letter",
        "service_attitude",
        "来信投诉导购强行推销",
        "总部收到来信，反映{store}导购员推销会员卡时态度强硬，信中未留电话和地址。",
        {"request": "apology"},
        customer="unreachable",
    ),
    _Scenario(
        "complaint",
        "consumer_association",
        "other",
        "消协转办：购物卡部分商品不能使用",
        "消费者协会转来投诉：顾客持有的购物卡在{store}被告知部分商品不能使用，要求退还卡内余额。",
        {"request": "refund"},
        amount=(500, 3000),
        referral=True,
    ),
    _Scenario(
        "complaint",
        "phone",
        "other",
        "公司团购礼盒数量短缺",
        "某公司采购部来电称在{store}团购的两百份中秋礼盒少交付五份，要求补发。",
        {"request": "other", "business_purchase": True},
        amount=(1000, 4000),
    ),
    _Scenario(
        "complaint",
        "store",
        "return_defect",
        "电饭煲内胆脱漆要求十倍赔偿",
        "顾客购买的电饭煲使用十余天后内胆脱漆，除退货外要求十倍赔偿，超出门店营销经理权限，"
        "需请示大客户部。",
        {
            "request": "compensation",
            "quality_problem": True,
            "beyond_store_authority": True,
            "sales_mode": "in_store",
            "sale_record": "matched",
        },
        amount=(300, 900),
        received_days_ago=(10, 20),
    ),
    _Scenario(
        "complaint",
        "store",
        "return_defect",
        "要求退换非本店售出的卷烟",
        "顾客持一条卷烟到{store}要求退换，称有霉变；经核对条包喷码与本店记录不符。",
        {"request": "exchange", "quality_problem": True, "sale_record": "not_found"},
        amount=(200, 500),
    ),
    _Scenario(
        "complaint",
        "phone",
        "return_defect",
        "退货后退款迟迟未到账",
        "顾客来电反映：在{store}退货后门店承诺三个工作日内退款，至今未到账。",
        {"request": "refund", "quality_problem": True},
        amount=(100, 400),
        customer="regular",
    ),
    _Scenario(
        "inquiry",
        "app",
        None,
        "查询网购订单配送进度",
        "顾客查询三天前在App下单的订单为何仍未发货。",
        {"sales_mode": "distance"},
        at_store=False,
    ),
    _Scenario(
        "complaint",
        "web",
        "misunderstanding",
        "对鸡蛋调价不满",
        "顾客留言抱怨{store}鸡蛋价格一周内两次上调，未提出具体要求。",
    ),
    _Scenario(
        "complaint",
        "callback_check",
        "service_attitude",
        "回访中顾客反映赠品未兑现",
        "总部电话回访抽查时，顾客反映{store}导购承诺的赠品至今未兑现。",
        {"request": "other"},
    ),
    _Scenario(
        "complaint",
        "store",
        "return_in_store",
        "付款后未离柜要求退货",
        "顾客在{store}购买两条香烟后尚未离开柜台即改变主意要求退货，商品一直在收银员视线内，外包装完好。",
        {"request": "refund", "sales_mode": "in_store", "sale_record": "matched"},
        amount=(400, 900),
        occurred_hours_ago=(1, 3),
    ),
)

# The same customer each time, so the second such ticket is a repeat complaint.
_REGULAR = {"name": "孙先生", "phone": "13770001234", "email": None, "anonymous": False}


def _customer(kind: Customer, rng: random.Random) -> dict[str, Any]:
    if kind == "anonymous":
        return {"name": None, "phone": None, "email": None, "anonymous": True}
    if kind == "regular":
        return dict(_REGULAR)
    name = rng.choice(_SURNAMES) + rng.choice(("先生", "女士"))
    if kind == "unreachable":
        return {"name": name, "phone": None, "email": None, "anonymous": False}
    phone = "1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9))
    email = f"customer{rng.randrange(10_000, 99_999)}@example.cn" if rng.random() < 0.3 else None
    return {"name": name, "phone": phone, "email": email, "anonymous": False}


def _ticket(scenario: _Scenario, rng: random.Random, now: datetime) -> dict[str, Any]:
    local_now = now.astimezone(_SHANGHAI)
    store = rng.choice(_STORES)
    fields = dict(scenario.fields)
    if scenario.at_store:
        fields["store"] = store
    if scenario.amount is not None:
        fields["amount"] = rng.randint(*scenario.amount)
    if scenario.received_days_ago is not None:
        received = local_now.date() - timedelta(days=rng.randint(*scenario.received_days_ago))
        fields["received_on"] = received.isoformat()
    hours = rng.randint(*scenario.occurred_hours_ago)
    occurred = (local_now - timedelta(hours=hours, minutes=rng.randint(0, 59))).replace(
        second=0, microsecond=0
    )
    return {
        "kind": scenario.kind,
        "channel": scenario.channel,
        "category": scenario.category,
        "subject": scenario.subject,
        "description": scenario.description.format(store=store),
        "customer": _customer(scenario.customer, rng),
        "fields": fields,
        "occurred_at": occurred,
        "requested_due_at": now + _REFERRAL_DEADLINE if scenario.referral else None,
    }


def demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    """``count`` ticket bodies, cycling through the scenarios, all before ``now``."""
    rng = random.Random(2026)
    return [_ticket(_SCENARIOS[i % len(_SCENARIOS)], rng, now) for i in range(count)]
