"""Example tickets for the property demo tenant: one scenario per rule worth seeing.

Deterministic: the same ``now`` and ``count`` always give the same tickets.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

Body = dict[str, Any]
Scenario = Callable[[random.Random, datetime], Body]

_ZONE: Final = ZoneInfo("Asia/Shanghai")
_SEED: Final = 2002  # after seed 002, where the tiers come from
_ESTATES: Final = ["翠湖花园", "锦绣华庭", "滨江壹号", "阳光新城", "云栖雅苑", "东湖名邸"]
_SURNAMES: Final = "王李张刘陈杨黄赵周吴徐孙马朱胡林郭何"
_GIVEN: Final = ["伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "娜", "涛", "婷"]


def demo_tickets(now: datetime, count: int) -> list[Body]:
    """``count`` ticket bodies, cycling through the scenarios (most telling first)."""
    rng = random.Random(_SEED)
    local_now = now.astimezone(_ZONE)
    return [_SCENARIOS[i % len(_SCENARIOS)](rng, local_now) for i in range(count)]


# --- pieces ---------------------------------------------------------------------------


def _where(rng: random.Random) -> tuple[str, str]:
    building, floor, room = rng.randint(1, 18), rng.randint(2, 30), rng.randint(1, 4)
    return rng.choice(_ESTATES), f"{building}栋{floor}{room:02d}室"


def _customer(rng: random.Random, *, email: bool = False) -> dict[str, Any]:
    return {
        "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
        "phone": f"1{rng.choice([35, 38, 39, 58, 86, 88])}{rng.randint(10_000_000, 99_999_999)}",
        "email": f"owner{rng.randint(100, 999)}@example.cn" if email else None,
        "anonymous": False,
    }


def _ago(rng: random.Random, now: datetime, low_hours: int, high_hours: int) -> datetime:
    return now - timedelta(minutes=rng.randint(low_hours * 60, high_hours * 60))


def _ticket(
    rng: random.Random,
    now: datetime,
    *,
    subject: str,
    description: str,
    channel: str,
    fields: dict[str, Any],
    category: str | None = None,
    kind: str = "complaint",
    customer: dict[str, Any] | None = None,
    hours_ago: tuple[int, int] = (2, 72),
    requested_due_at: datetime | None = None,
) -> Body:
    return {
        "kind": kind,
        "channel": channel,
        "subject": subject,
        "description": description,
        "customer": customer or _customer(rng),
        "category": category,
        "fields": {"complainant_role": "owner", **fields},
        "occurred_at": _ago(rng, now, *hours_ago),
        "requested_due_at": requested_due_at,
    }


# --- scenarios ------------------------------------------------------------------------


def _major_injury(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        subject="大堂地面湿滑未设警示，家中老人摔伤",
        description=(
            f"{estate}{unit}业主反映：保洁拖地后大堂未放置“小心地滑”警示牌，"
            "其母亲进门时滑倒，右手腕骨折，已送医治疗，要求物业承担医药费并公开致歉。"
        ),
        channel="phone",
        category="management_service",
        fields={
            "estate": estate,
            "unit": unit,
            "personal_injury": True,
            "company_fault": True,
            "loss_amount": rng.randint(18, 45) * 100,
            "service_line": "cleaning",
        },
    )


def _major_loss(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    loss = rng.randint(52, 160) * 100
    return _ticket(
        rng,
        now,
        subject="公共水管爆裂维修拖延，室内地板家具被泡",
        description=(
            f"{estate}{unit}业主称：楼上公共管井水管凌晨爆裂，报修后维修工三小时才到场，"
            f"水漫入室内，实木地板、衣柜和沙发受损，估价约{loss}元，要求赔偿。"
        ),
        channel="face_to_face",
        category="management_service",
        fields={
            "estate": estate,
            "unit": unit,
            "loss_amount": loss,
            "service_line": "repairs",
        },
    )


def _major_group(rng: random.Random, now: datetime) -> Body:
    estate, _ = _where(rng)
    return _ticket(
        rng,
        now,
        subject="物业未经业主大会同意上调停车费",
        description=(
            f"12345热线转办：{estate}多名业主联名反映，物业公司自下月起将地面停车费由每月"
            "150元上调至260元，未经业主大会表决也未公示收费依据，要求停止涨价。"
        ),
        channel="hotline_12345",
        category="management_service",
        fields={"estate": estate, "group_harm": True, "service_line": "parking"},
    )


def _major_promise_repeated(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    times = rng.randint(2, 4)
    return _ticket(
        rng,
        now,
        subject="合同约定的垃圾日清日运长期未落实",
        description=(
            f"{estate}{unit}业主反映：物业服务合同约定生活垃圾每日清运两次，"
            f"但近两周经常两三天才清运一次，楼下异味严重，已向服务中心反映{times}次仍未解决。"
        ),
        channel="app",
        category="management_service",
        fields={
            "estate": estate,
            "unit": unit,
            "promised_service_failed": True,
            "earlier_requests": times,
            "service_line": "cleaning",
        },
    )


def _major_unsolved_month(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    first = (now - timedelta(days=rng.randint(35, 40))).date()
    return _ticket(
        rng,
        now,
        subject="地下车库顶板渗水一个多月未处理",
        description=(
            f"{estate}{unit}业主称：{first.month}月{first.day}日首次反映B2车库本人车位上方渗水，"
            "物业答应尽快维修，至今仍在滴水，车辆漆面已出现水渍。"
        ),
        channel="phone",
        category="engineering_quality",
        fields={
            "estate": estate,
            "unit": unit,
            "first_raised_on": first.isoformat(),
            "service_line": "facilities",
        },
        hours_ago=(24 * 41, 24 * 45),  # the leak began before it was reported
    )


def _important_security(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        subject="门岗保安随意放行外来车辆且态度恶劣",
        description=(
            f"{estate}{unit}业主在东门岗当面投诉：值班保安未登记即放行外来车辆占用业主车位，"
            "业主提出异议时保安出言不逊。要求物业调查处理并加强门岗管理。"
        ),
        channel="face_to_face",
        category="management_service",
        fields={"estate": estate, "unit": unit, "company_fault": True, "service_line": "security"},
        hours_ago=(1, 6),
    )


def _important_repair_no_show(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        subject="预约维修两次爽约",
        description=(
            f"{estate}{unit}业主反映：厨房水龙头漏水，预约维修工上门，业主请假在家等候，"
            "维修工两次均未按约定时间上门也未提前告知。"
        ),
        channel="email",
        category="management_service",
        customer=_customer(rng, email=True),
        fields={"estate": estate, "unit": unit, "company_fault": True, "service_line": "repairs"},
    )


def _minor_street_light(rng: random.Random, now: datetime) -> Body:
    estate, _ = _where(rng)
    return _ticket(
        rng,
        now,
        subject="小区步道路灯不亮",
        description=f"{estate}中心花园步道有三盏路灯已不亮多日，晚上散步不安全，请尽快更换。",
        channel="app",
        category="management_service",
        fields={"estate": estate, "service_line": "facilities"},
    )


def _minor_requested(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    # A date weeks ahead: the customer's period applies even when longer than the
    # default (seed 002 §2 minor), and it stays ahead of tickets the demo opens later.
    wanted = (now + timedelta(days=rng.randint(28, 35))).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return _ticket(
        rng,
        now,
        subject="楼道墙皮脱落，业主出差回来后再修补",
        description=(
            f"{estate}{unit}门口楼道墙面大片起皮脱落。业主近期出差，修补需入户移开鞋柜，"
            f"希望在{wanted.month}月{wanted.day}日前修补完毕，届时家中有人配合。"
        ),
        channel="web",
        category="engineering_quality",
        fields={"estate": estate, "unit": unit, "service_line": "repairs"},
        hours_ago=(1, 20),
        requested_due_at=wanted,
    )


def _minor_third_party_loss(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    loss = rng.randint(55, 90) * 100
    return _ticket(
        rng,
        now,
        subject="红线外市政施工挖断光缆，家中网络中断",
        description=(
            f"{estate}{unit}业主反映：小区外市政道路施工挖断通信光缆，家中网络中断三天，"
            f"在家办公损失约{loss}元，要求物业出面协调施工方赔偿。"
        ),
        channel="phone",
        category="third_party",
        fields={
            "estate": estate,
            "unit": unit,
            "loss_amount": loss,
            "service_line": "other",
        },
    )


def _invalid_anonymous(rng: random.Random, now: datetime) -> Body:
    estate, _ = _where(rng)
    return _ticket(
        rng,
        now,
        subject="匿名反映：保洁员上班时间打牌",
        description=f"{estate}地下一层休息室，保洁员上班时间聚集打牌，请物业管理一下。",
        channel="web",
        customer={
            "name": None,
            "phone": None,
            "email": f"nobody{rng.randint(10, 99)}@example.cn",
            "anonymous": True,
        },
        fields={"estate": estate, "service_line": "cleaning"},
    )


def _invalid_no_contact(rng: random.Random, now: datetime) -> Body:
    estate, _ = _where(rng)
    return _ticket(
        rng,
        now,
        subject="来信反映绿化带被占用种菜",
        description=f"来信称{estate}西侧绿化带被个别住户开垦种菜，影响小区环境，信中未留姓名以外的任何联系方式。",
        channel="letter",
        customer={
            "name": rng.choice(_SURNAMES) + "先生",
            "phone": None,
            "email": None,
            "anonymous": False,
        },
        fields={"estate": estate, "service_line": "greening"},
    )


def _invalid_not_customer(rng: random.Random, now: datetime) -> Body:
    estate, _ = _where(rng)
    return _ticket(
        rng,
        now,
        subject="路人投诉小区门口车辆乱停",
        description=f"过路市民来电称{estate}南门外人行道经常停满车辆，行人只能走机动车道。",
        channel="phone",
        category="third_party",
        fields={"estate": estate, "complainant_role": "unrelated", "service_line": "parking"},
    )


def _consultation(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        kind="consultation",
        subject="咨询装修申报流程和押金",
        description=f"{estate}{unit}新业主咨询装修前需要提交哪些材料，装修押金多少、何时退还。",
        channel="phone",
        fields={"estate": estate, "unit": unit, "service_line": "renovation"},
        hours_ago=(1, 10),
    )


def _repair_request(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        kind="fault",
        subject="卫生间地漏堵塞报修",
        description=f"{estate}{unit}卫生间地漏下水很慢，疑似堵塞，请安排维修工上门疏通。",
        channel="app",
        fields={"estate": estate, "unit": unit, "service_line": "repairs"},
        hours_ago=(1, 8),
    )


def _inquiry(rng: random.Random, now: datetime) -> Body:
    estate, unit = _where(rng)
    return _ticket(
        rng,
        now,
        kind="inquiry",
        subject="查询本年度物业费缴纳明细",
        description=f"{estate}{unit}业主查询今年物业费和公摊水电费的缴纳明细，要求发送电子账单。",
        channel="web",
        customer=_customer(rng, email=True),
        fields={"estate": estate, "unit": unit, "service_line": "fees"},
        hours_ago=(1, 30),
    )


_SCENARIOS: Final[list[Scenario]] = [
    _major_injury,
    _important_security,
    _minor_street_light,
    _invalid_anonymous,
    _major_loss,
    _minor_requested,
    _major_group,
    _important_repair_no_show,
    _minor_third_party_loss,
    _invalid_no_contact,
    _major_promise_repeated,
    _consultation,
    _major_unsolved_month,
    _repair_request,
    _invalid_not_customer,
    _inquiry,
]
