"""What the agent is told to do with a guest complaint, by tier.

The principles and roles of seed 003, 酒店宾客投诉处理管理办法: help the guest in good
faith while keeping the hotel's due interest (§一.1); whoever receives a complaint
handles it within their authority or passes it on (§一.2); the duty manager
coordinates (§一.3); the deputy general manager takes major complaints on site and
asks the general manager beyond their authority (§三.2 4)).
"""

from __future__ import annotations

from portal.hookspecs import Guidance

_COMMON = {
    "en": [
        "Help the guest in good faith, and keep the hotel's due interest",
        "Record the complaint: guest, room, what happened, what the guest asks for",
    ],
    "zh": [
        "真心诚意帮助客人解决问题，同时维护酒店应有利益",
        "记录投诉：宾客、房号、经过与诉求",
    ],
}
_BY_TIER = {
    "minor": {
        "en": ["The department concerned handles it at once, within its authority"],
        "zh": ["被投诉部门在职权范围内即时处理"],
    },
    "general": {
        "en": [
            "Tell the duty manager, who coordinates the departments concerned",
            "Beyond the department's authority, its head asks the duty manager",
        ],
        "zh": ["报大堂经理，由其统筹协调相关部门", "超出部门权限的，由部门负责人请示大堂经理"],
    },
    "major": {
        "en": [
            "Tell the duty manager and the deputy general manager at once",
            "The deputy general manager handles it on site and drafts the plan",
            "Beyond that authority, the general manager decides",
        ],
        "zh": [
            "立即报告大堂经理和副总经理",
            "副总经理亲自到场处理并拟定处理方案",
            "超过权限范围的，请示总经理处理",
        ],
    },
}
_CLOSE = {
    "en": ["Call the guest back and record the case for the monthly analysis"],
    "zh": ["回访宾客，并将案例记入宾客投诉报告供定期分析"],
}
_TITLE = {"en": "Handling a guest complaint", "zh": "宾客投诉处理"}


def guidance_for(tier: str | None, locale: str) -> list[Guidance]:
    lang = "zh" if locale == "zh" else "en"
    steps = _BY_TIER.get(tier or "minor", _BY_TIER["minor"])[lang]
    return [Guidance(_TITLE[lang], [*_COMMON[lang], *steps, *_CLOSE[lang]])]
