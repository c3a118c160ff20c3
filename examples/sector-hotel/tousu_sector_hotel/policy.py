"""The hotel sector's default policy: guest complaints (宾客投诉).

Source: seed 003, 酒店宾客投诉处理管理办法 (cited "hotel measures" below), summarised in
sector-rules.md ("Other sectors in the seeds"). It defines the three tiers (§二.2) and
who handles a complaint (§一.2-3, §三) but no deadlines; the deadlines here borrow
the nearest figures of the other seeds, each cited where it is used.
"""

from __future__ import annotations

from typing import Final

from portal.sectorkit import Doc, choice, label

MAJOR: Final = "major"
GENERAL: Final = "general"
MINOR: Final = "minor"
DUTY_MANAGER: Final = "duty_manager"
DEPUTY_GM: Final = "deputy_general_manager"
GENERAL_MANAGER: Final = "general_manager"

#: seed 003 §4.3 (property) and the callback rule of seed 003 客服部工作流程 §四
#: ("必须保证在三天之内回访"): the guest is called back within 3 days.
CALLBACK_DAYS: Final = 3


def duration(amount: int, unit: str) -> Doc:
    return {"amount": amount, "unit": unit}


def milestone(name: str, en: str, zh: str, amount: int, unit: str, start: str = "created") -> Doc:
    # The measures concern guest complaints (宾客投诉) only: consultations have no deadline.
    return {
        "name": name,
        "label": label(en, zh),
        "start": start,
        "duration": duration(amount, unit),
        "kinds": ["complaint"],
    }


def _callback() -> Doc:
    return milestone(
        "callback", "Call the guest back", "回访宾客", CALLBACK_DAYS, "calendar_days", "resolved"
    )


def _fields() -> list[Doc]:
    return [
        {  # hotel measures §一.3: each department handles the complaints arising in it
            "key": "department",
            "label": label("Department concerned", "被投诉部门"),
            "type": "choice",
            "choices": [
                choice("front_office", "Front office", "前厅部"),
                choice("housekeeping", "Housekeeping", "客房部"),
                choice("food_beverage", "Food and beverage", "餐饮部"),
                choice("engineering", "Engineering", "工程部"),
                choice("recreation", "Recreation", "康乐部"),
                choice("security", "Security", "保安部"),
                choice("other", "Other", "其他"),
            ],
        },
        {  # how the duty manager finds a guest who is staying
            "key": "room",
            "label": label("Room number", "房号"),
            "type": "string",
            "max_length": 20,
        },
        {  # hotel measures §二.2: 一定不足 (minor) / 一定错误 (general) / 严重错误 (major)
            "key": "fault",
            "label": label("The hotel's fault", "酒店方过失程度"),
            "type": "choice",
            "public": False,
            "choices": [
                choice("shortfall", "Some shortfall", "存在一定不足"),
                choice("error", "An error", "存在一定错误"),
                choice("serious_error", "A serious error", "存在严重错误"),
            ],
        },
        {  # hotel measures §二.2 (3): 引起客人的强烈不满
            "key": "strong_discontent",
            "label": label("The guest is strongly dissatisfied", "客人强烈不满"),
            "type": "boolean",
            "public": False,
        },
        {  # hotel measures §二.2 (3): 造成或可能造成经济损失和严重的负面影响
            "key": "loss_or_serious_harm",
            "label": label(
                "Economic loss or serious harm to the hotel, caused or likely",
                "造成或可能造成经济损失、严重负面影响",
            ),
            "type": "boolean",
            "public": False,
        },
        {  # hotel measures §二.2 (2): 对酒店整体形象造成负面影响
            "key": "image_harmed",
            "label": label("Harms the hotel's image", "对酒店整体形象造成负面影响"),
            "type": "boolean",
            "public": False,
        },
    ]


def _categories() -> list[Doc]:
    # hotel measures §二.2: what a complaint concerns; minor ones never concern attitude
    # or management (不涉及服务态度和管理意识).
    return [
        choice("facilities", "Facilities", "服务设施"),
        choice("product", "Products (rooms, food)", "服务产品（出品）"),
        choice("standards", "Service standards and norms", "服务标准、服务规范"),
        choice("awareness", "Service awareness", "服务意识"),
        choice("attitude", "Service attitude", "服务态度"),
        choice("management", "Management", "管理意识、管理水平"),
    ]


def _channels() -> tuple[list[Doc], list[Doc]]:
    # hotel measures §二.1: 以口头、书面、电话等形式提出或让他人转告. A complaint made to a
    # department's staff enters there (§三.2 1)); the rest reach the duty manager, who
    # receives complaints on the hotel's behalf (§一.3).
    levels = [
        choice("department", "Department", "部门"),
        choice(DUTY_MANAGER, "Duty manager", "大堂经理"),
    ]
    to_department = [choice("in_person", "In person, to staff", "当面向员工")]
    to_duty_manager = [
        choice("front_desk", "At the lobby desk", "大堂副理处"),
        choice("phone", "Phone", "电话"),
        choice("written", "Letter or comment card", "书面（信函、意见卡）"),
        choice("relayed", "Relayed by someone else", "他人转告"),
        choice("online", "Online review or platform", "网络点评平台"),
    ]
    channels = [{**c, "level": "department"} for c in to_department]
    channels += [{**c, "level": DUTY_MANAGER} for c in to_duty_manager]
    return levels, channels


def _tiers() -> list[Doc]:
    major = {
        "key": MAJOR,
        "label": label("Major complaint", "重大投诉"),
        "when": {  # hotel measures §二.2 (3)
            "any": [
                {
                    "field": "fault",
                    "op": "==",
                    "value": "serious_error",
                    "label": label("A serious error of the hotel", "酒店方存在严重错误"),
                },
                {"flag": "strong_discontent", "label": label("Strong discontent", "客人强烈不满")},
                {
                    "flag": "loss_or_serious_harm",
                    "label": label("Economic loss or serious harm", "经济损失或严重负面影响"),
                },
            ]
        },
        "milestones": [
            # hotel measures §三.2 4): the deputy general manager handles a major complaint
            # on site in person. Passed on within 30 minutes (no source gives a figure;
            # the seeds' shortest hand-over is "at once", seed 003 §4.2.4).
            milestone("forward", "Passed to the deputy GM", "上报副总经理", 30, "minutes"),
            # seed 000 §Ⅷ 3.4: not solved on the spot, it is handled within 24 hours
            milestone("reply", "Answer to the guest", "答复宾客", 24, "hours"),
            # no source gives one: 3 days, a short stay, so the guest still hears the
            # outcome while at the hotel or just after (admins tune it)
            milestone("resolve", "Resolved", "处理完毕", 3, "calendar_days"),
            _callback(),
        ],
        "escalation_target": DEPUTY_GM,
        # §三.2 4): beyond the deputy GM's authority, the general manager decides
        "extension": {"approver_role": "tenant_admin", "max": duration(7, "calendar_days")},
    }
    general = {
        "key": GENERAL,
        "label": label("General complaint", "一般投诉"),
        "when": {  # hotel measures §二.2 (2)
            "any": [
                {
                    "field": "fault",
                    "op": "==",
                    "value": "error",
                    "label": label("An error of the hotel", "酒店方存在一定错误"),
                },
                {
                    "field": "category",
                    "op": "in",
                    "value": ["attitude", "management"],
                    "label": label("About attitude or management", "涉及服务态度或管理"),
                },
                {"flag": "image_harmed", "label": label("Harms the image", "损害酒店形象")},
            ]
        },
        "milestones": [
            # §一.3: the duty manager coordinates; seed 003 §4.2.1: a superior is told
            # within two hours of a complaint not solved on the spot
            milestone("forward", "Passed to the duty manager", "转大堂经理", 2, "hours"),
            # seed 000 §Ⅷ 3.4: handled within 24 hours
            milestone("resolve", "Resolved", "处理完毕", 24, "hours"),
            _callback(),
        ],
        "escalation_target": DUTY_MANAGER,
        "extension": {"approver_role": "supervisor", "max": duration(2, "calendar_days")},
    }
    minor = {
        "key": MINOR,
        "label": label("Minor complaint", "轻微投诉"),
        "milestones": [
            # §一.2: every employee handles it at once within their authority; seed 000
            # §Ⅷ 3.4: what is not solved on the spot is handled within 24 hours
            milestone("resolve", "Resolved", "处理完毕", 24, "hours"),
        ],
        "escalation_target": DUTY_MANAGER,
        "extension": {"approver_role": "supervisor", "max": duration(1, "calendar_days")},
    }
    return [major, general, minor]


def _escalation_chain() -> list[Doc]:
    # hotel measures §一.3, §三.2; sector-rules.md: the duty (lobby) manager coordinates,
    # beyond authority to the deputy general manager, then the general manager.
    return [
        {**choice(DUTY_MANAGER, "Duty manager", "大堂经理（值班经理）"), "role": "supervisor"},
        {**choice(DEPUTY_GM, "Deputy general manager", "副总经理"), "department": "management"},
        {**choice(GENERAL_MANAGER, "General manager", "总经理"), "role": "tenant_admin"},
    ]


def default_policy() -> Doc:
    levels, channels = _channels()
    return {
        "kinds": ["consultation", "complaint"],
        "fields": _fields(),
        "channel_levels": levels,
        "channels": channels,
        "categories": _categories(),
        "tiers": _tiers(),
        "default_tier": MINOR,
        "escalation_chain": _escalation_chain(),
        "callback": {
            "after": duration(1, "hours"),
            "within": duration(CALLBACK_DAYS, "calendar_days"),
        },
    }
