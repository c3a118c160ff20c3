"""A small sector with known rules, for testing the engine apart from real sectors."""

from typing import Any

from portal.hookspecs import SectorInfo, hookimpl


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def days(amount: int, unit: str = "calendar_days") -> dict[str, Any]:
    return {"amount": amount, "unit": unit}


POLICY: dict[str, Any] = {
    "kinds": ["consultation", "complaint", "appeal"],
    "fields": [
        {"key": "amount", "label": label("Loss", "损失金额"), "type": "number", "min": 0},
        {
            "key": "personal_injury",
            "label": label("Personal injury", "人身伤害"),
            "type": "boolean",
        },
        {"key": "company_fault", "label": label("Our fault", "我方过失"), "type": "boolean"},
    ],
    "validity_reasons": [{"key": "anonymous", "label": label("Anonymous", "匿名")}],
    "invalid_rules": [{"reason": "anonymous", "when": {"flag": "customer.anonymous"}}],
    "channel_levels": [
        {"key": "site", "label": label("Site", "现场")},
        {"key": "head_office", "label": label("Head office", "总部")},
    ],
    "channels": [
        {"key": "phone", "label": label("Phone", "电话"), "level": "site"},
        {"key": "web", "label": label("Web", "网站"), "level": "head_office"},
    ],
    "categories": [{"key": "service", "label": label("Service", "服务")}],
    "tiers": [
        {
            "key": "major",
            "label": label("Major", "重大"),
            "when": {
                "any": [
                    {"field": "amount", "op": ">=", "value": 5000},
                    {"flag": "personal_injury"},
                    {"repeats": {"at_least": 3, "within_days": 30}},
                ]
            },
            "milestones": [
                {"name": "reply", "start": "created", "duration": days(2), "pausable": True},
                {"name": "resolve", "start": "created", "duration": days(15, "working_days")},
                {"name": "callback", "start": "resolved", "duration": days(3)},
            ],
        },
        {
            "key": "important",
            "label": label("Important", "重要"),
            "when": {"flag": "company_fault"},
            "milestones": [
                {"name": "forward", "start": "created", "duration": days(1, "hours")},
                {"name": "resolve", "start": "created", "duration": days(3)},
            ],
        },
        {
            "key": "minor",
            "label": label("Minor", "轻微"),
            "milestones": [
                {
                    "name": "resolve",
                    "start": "created",
                    "duration": days(1, "requested"),
                    "default": days(2),
                },
            ],
        },
    ],
    "default_tier": "minor",
    "escalation_chain": [
        {"key": "supervisor", "label": label("Duty supervisor", "值班主管"), "role": "supervisor"},
        {"key": "management", "label": label("Management", "管理层"), "department": "management"},
    ],
}


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="sample", name_en="Sample", name_zh="示例", version="1.0.0")


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return POLICY


@hookimpl
def sector_demo_tickets(now, count) -> list[dict[str, Any]]:
    return [
        {
            "kind": "complaint",
            "channel": "phone",
            "subject": f"示例投诉 {i}",
            "customer": {"name": f"客户{i}", "phone": f"1390000{i:04d}"},
            "fields": {"amount": 1000 * i},
            "occurred_at": now,
        }
        for i in range(count)
    ]
