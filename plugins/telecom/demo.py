"""Example telecom tickets for the demo tenant: one scenario per rule worth seeing.

Deterministic: the same ``now`` and ``count`` give the same tickets. Names, numbers and
companies are made up; phone numbers and e-mails are shaped like real ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.sectorkit import Doc

# The demo tenants keep the portal's default zone.
CHINA = ZoneInfo("Asia/Shanghai")

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "秀英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "丽娟",
]
_PREFIXES = ["138", "139", "158", "159", "186", "187", "133", "153", "189", "180"]
_DISTRICTS = [
    "西湖区文三路",
    "拱墅区湖墅南路",
    "滨江区江南大道",
    "余杭区五常街道",
    "萧山区城厢街道",
]
_VILLAGES = ["淳安县千岛湖镇下姜村", "桐庐县分水镇儒桥村", "建德市乾潭镇胥岭村"]
_RESPONDENT = "华通通信股份有限公司杭州分公司"
# The repeat-complaint scenario reuses this customer, so intake finds the earlier ticket.
_REPEAT_CUSTOMER = {"name": "郑国庆", "phone": "13857100426", "email": None, "anonymous": False}


class _Maker:
    """Random but reproducible details for one batch of demo tickets."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now.astimezone(CHINA)

    def phone(self) -> str:
        return self.rng.choice(_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def customer(self, *, email: bool = False) -> Doc:
        name = self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)
        mail = f"user{self.rng.randrange(1000, 9999)}@example.com" if email else None
        return {"name": name, "phone": self.phone(), "email": mail, "anonymous": False}

    def days_ago(self, low: int, high: int) -> datetime:
        hours = self.rng.randint(0, 23)
        return self.now - timedelta(days=self.rng.randint(low, high), hours=hours)

    def date_ago(self, low: int, high: int) -> str:
        return (self.now.date() - timedelta(days=self.rng.randint(low, high))).isoformat()

    def money(self, low: int, high: int) -> float:
        return round(self.rng.uniform(low, high), 2)

    def checked(self, **extra: object) -> Doc:
        """Fields of a complaint whose validity the agent has checked and found sound."""
        return {"direct_party": True, "specific_enough": True, "in_scope": True, **extra}


def _ticket(
    kind: str,
    channel: str,
    subject: str,
    description: str,
    customer: Doc,
    fields: Doc,
    occurred_at: datetime,
    category: str | None = None,
    requested_due_at: datetime | None = None,
) -> Doc:
    return {
        "kind": kind,
        "channel": channel,
        "subject": subject,
        "description": description,
        "customer": customer,
        "category": category,
        "fields": fields,
        "occurred_at": occurred_at,
        "requested_due_at": requested_due_at,
    }


def _billing(m: _Maker) -> Doc:
    amount = m.money(20, 90)
    return _ticket(
        "complaint",
        "hotline",
        "套餐外流量费扣费有误",
        f"客户反映本月账单出现套餐外流量费{amount}元，客户称当月已订购流量加油包且未超出，"
        "要求核实并退还多扣费用。",
        dict(_REPEAT_CUSTOMER),
        m.checked(
            business_line="mobile",
            amount=amount,
            complaint_basis="direct",
            service_number=_REPEAT_CUSTOMER["phone"],
        ),
        m.days_ago(10, 20),
        "billing",
    )


def _repeat(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "online_hall",
        "对流量费退费结果不满意，再次投诉",
        "客户此前已投诉套餐外流量费扣费问题，处理结果为仅退还一半费用。客户不认可该结果，"
        "认为加油包已生效，要求全额退还并书面说明。",
        dict(_REPEAT_CUSTOMER),
        m.checked(
            business_line="mobile",
            complaint_basis="poor_result",
            dissatisfaction_reason="仅退还一半费用，未说明加油包未生效的原因",
        ),
        m.days_ago(10, 20),
        "billing",
    )


def _huge_bill(m: _Maker) -> Doc:
    average = m.money(60, 120)
    bill = round(average * m.rng.uniform(6, 15), 2)
    return _ticket(
        "complaint",
        "hall",
        "当月话费异常高额",
        f"客户到厅反映本月话费{bill}元，此前三个月月均约{average}元。客户称未出境、未开通"
        "新业务，怀疑被开通收费增值业务，要求提供详单并暂停收取异常费用。",
        m.customer(),
        m.checked(
            business_line="mobile",
            bill_amount=bill,
            average_bill_3m=average,
            amount=round(bill - average, 2),
            complaint_basis="direct",
        ),
        m.days_ago(3, 12),
        "billing",
    )


def _outage_batch(m: _Maker) -> Doc:
    place = m.rng.choice(_DISTRICTS)
    return _ticket(
        "complaint",
        "group_hotline",
        "小区宽带大面积中断",
        f"{place}某小区多户居民反映宽带自昨晚起无法上网，已持续超过一天，物业称为光缆被挖断。"
        "居民集体致电集团热线，要求尽快修复并减免中断期间费用。",
        m.customer(),
        m.checked(
            business_line="broadband", batch=True, area="urban", complaint_basis="network_fault"
        ),
        m.days_ago(1, 2),
        "network_quality",
    )


def _media(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "weibo",
        "微博曝光营销活动奖品未兑现",
        "客户在微博发文称参加“流量翻倍”营销活动后三个月仍未获得承诺的话费奖励，该微博已被"
        "本地媒体转发，评论数百条。客户要求按活动规则发放奖励并公开道歉。",
        m.customer(),
        m.checked(business_line="mobile", media_involved=True, amount=50, complaint_basis="direct"),
        m.days_ago(60, 100),
        "marketing",
    )


def _referral(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "admin_12300",
        "通信管理局转办：擅自开通增值业务",
        "省通信管理局转办：用户反映其手机号码被擅自开通两项视频会员业务，每月扣费25元，"
        "用户从未确认订购。管理局要求在转办单标明的时限内核实处理并回复。",
        m.customer(),
        m.checked(business_line="value_added", amount=75, complaint_basis="direct"),
        m.days_ago(30, 60),
        "unauthorised_service",
        # The demo may open a ticket up to three weeks after ``now`` (portal/demo.py), and a
        # requested deadline must lie after the opening.
        requested_due_at=m.now + timedelta(days=m.rng.randint(22, 28)),
    )


def _over_heads(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "hotline",
        "宽带移机拖延，客户表示将向工信部申诉",
        "客户两周前办理宽带移机，至今未上门安装，多次催促无果。客户情绪激动，明确表示今天不给"
        "答复就向工信部和通信管理局申诉。",
        m.customer(),
        m.checked(
            business_line="broadband", over_head_tendency=True, complaint_basis="time_limit_missed"
        ),
        m.days_ago(14, 16),
        "installation_repair",
    )


def _anonymous(m: _Maker) -> Doc:
    customer = m.customer()
    customer.update(name=None, anonymous=True)
    return _ticket(
        "complaint",
        "hotline",
        "匿名反映营业员态度差",
        "来电人不愿透露姓名，称某营业厅营业员办理业务时态度冷淡、不耐烦，未说明具体营业厅和时间。",
        customer,
        {"business_line": "mobile"},
        m.days_ago(1, 5),
        "service_attitude",
    )


def _no_contact(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "letter",
        "来信反映固话杂音",
        "来信反映家中固定电话通话时有明显杂音，信中未留电话、邮箱和详细地址。",
        {
            "name": m.rng.choice(_SURNAMES) + "先生",
            "phone": None,
            "email": None,
            "anonymous": False,
        },
        m.checked(business_line="fixed_line"),
        m.days_ago(5, 15),
        "network_quality",
    )


def _out_of_scope(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "online_chat",
        "投诉某购物平台商品质量",
        "客户在线投诉通过手机下单的某购物平台商品有质量问题，要求本公司负责退货。经核实该问题属"
        "第三方平台与商家，不属本公司管理范畴。",
        m.customer(email=True),
        {"direct_party": True, "specific_enough": True, "in_scope": False},
        m.days_ago(3, 10),
        "other",
    )


def _not_specific(m: _Maker) -> Doc:
    return _ticket(
        "complaint",
        "hotline",
        "反映信号不好",
        "客户称“你们信号太差了”，不愿说明地点、时间和具体表现，经多次询问仍无法核实。",
        m.customer(),
        {"direct_party": True, "specific_enough": False, "business_line": "mobile"},
        m.days_ago(1, 3),
        "network_quality",
    )


def _fault(m: _Maker, *, rural: bool) -> Doc:
    place = m.rng.choice(_VILLAGES if rural else _DISTRICTS)
    return _ticket(
        "fault",
        "hotline",
        "宽带无法上网报障",
        f"{place}用户报障：光猫LOS灯红色闪烁，宽带无法上网，重启无效，请安排上门维修。",
        m.customer(),
        {
            "business_line": "broadband",
            "area": "rural" if rural else "urban",
            "service_number": f"0571{m.rng.randrange(10**8):08d}",
        },
        m.days_ago(0, 1),
        "installation_repair",
    )


def _consultation(m: _Maker) -> Doc:
    return _ticket(
        "consultation",
        "online_chat",
        "咨询5G套餐资费及合约期",
        "客户咨询现有4G套餐升级5G套餐的资费、合约期限及提前解约是否收取违约金。",
        m.customer(),
        {"business_line": "mobile"},
        m.days_ago(0, 2),
    )


def _inquiry(m: _Maker) -> Doc:
    return _ticket(
        "inquiry",
        "self_service",
        "查询积分余额及兑换规则",
        "客户在自助终端查询积分余额，询问积分有效期及可兑换的话费额度。",
        m.customer(),
        {"business_line": "mobile"},
        m.days_ago(0, 1),
    )


def _appeal(m: _Maker, **fields: object) -> Doc:
    base: Doc = {
        "respondent": _RESPONDENT,
        "direct_party": True,
        "specific_enough": True,
        "business_line": "mobile",
    }
    return {**base, **fields}


def _appeal_admissible(m: _Maker) -> Doc:
    return _ticket(
        "appeal",
        "admin_12300",
        "申诉：停机后仍收取月租",
        f"申诉人称已于两个月前在营业厅办理停机保号，但此后每月仍被收取全额月租。已向{_RESPONDENT}"
        "投诉，对方答复“系统正常扣费”，申诉人不认可，请求退还多收费用。",
        m.customer(email=True),
        _appeal(
            m,
            operator_complaint="rejected",
            operator_complaint_date=m.date_ago(20, 30),
            amount=m.money(40, 120),
        ),
        m.days_ago(40, 60),
        "billing",
    )


def _appeal_time_barred(m: _Maker) -> Doc:
    return _ticket(
        "appeal",
        "ministry",
        "申诉：去年国际漫游费争议",
        "申诉人对七个多月前出境期间产生的国际漫游费有异议，称已开通漫游包。曾向经营者投诉未获认可，"
        "现向部申诉受理中心申诉。",
        m.customer(),
        _appeal(
            m,
            operator_complaint="rejected",
            operator_complaint_date=m.date_ago(30, 60),
            amount=m.money(200, 800),
        ),
        m.days_ago(215, 260),
        "billing",
    )


def _appeal_premature(m: _Maker) -> Doc:
    return _ticket(
        "appeal",
        "admin_12300",
        "申诉：宽带提速未生效",
        "申诉人称办理宽带提速至500M后实测仍为100M，几天前已向经营者投诉，尚未获得答复。",
        m.customer(),
        _appeal(
            m,
            business_line="broadband",
            operator_complaint="no_reply",
            operator_complaint_date=m.date_ago(3, 10),
        ),
        m.days_ago(10, 20),
        "network_quality",
    )


def _appeal_settled(m: _Maker) -> Doc:
    return _ticket(
        "appeal",
        "admin_12300",
        "申诉：合约机违约金",
        "申诉人就提前解约违约金提出申诉，但经营者已与其达成和解并退还违约金，申诉人仍要求额外赔偿。",
        m.customer(),
        _appeal(
            m,
            business_line="terminal",
            operator_complaint="rejected",
            operator_complaint_date=m.date_ago(20, 40),
            settled=True,
        ),
        m.days_ago(50, 90),
        "service_handling",
    )


def _appeal_not_first(m: _Maker) -> Doc:
    return _ticket(
        "appeal",
        "ministry",
        "申诉：携号转网受阻",
        "申诉人称办理携号转网时被告知存在未到期合约，无法转出。申诉人未向经营者投诉，直接向部申诉。",
        m.customer(),
        _appeal(m, operator_complaint="not_made"),
        m.days_ago(5, 15),
        "service_handling",
    )


_SCENARIOS: list[Callable[[_Maker], Doc]] = [
    _billing,
    _huge_bill,
    _outage_batch,
    _referral,
    _media,
    _over_heads,
    lambda m: _fault(m, rural=False),
    _consultation,
    _appeal_admissible,
    _repeat,
    _anonymous,
    _no_contact,
    _out_of_scope,
    _not_specific,
    lambda m: _fault(m, rural=True),
    _inquiry,
    _appeal_time_barred,
    _appeal_premature,
    _appeal_settled,
    _appeal_not_first,
]


def demo_tickets(now: datetime, count: int) -> list[Doc]:
    """``count`` tickets cycling through the scenarios, all set before ``now``."""
    maker = _Maker(random.Random(10000), now)
    return [_SCENARIOS[i % len(_SCENARIOS)](maker) for i in range(count)]
