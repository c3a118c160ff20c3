"""Example guest complaints for the demo tenant (``make run``): every tier, channel level
and the criteria of seed 003, 酒店宾客投诉处理管理办法 §二.2. Deterministic."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# (channel, category, subject, description, fields)
_SCENARIOS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    (
        "in_person",
        "facilities",
        "客房空调噪音大",
        "客人反映客房空调夜间噪音大，影响休息。",
        {"department": "housekeeping", "room": "1208", "fault": "shortfall"},
    ),
    (
        "phone",
        "attitude",
        "前台接待态度冷淡",
        "客人来电称办理入住时前台员工态度冷淡、不耐烦。",
        {"department": "front_office", "room": "0915"},
    ),
    (
        "in_person",
        "product",
        "菜品中发现异物",
        "客人在中餐厅用餐时在菜品中发现异物，情绪激动，要求赔偿。",
        {"department": "food_beverage", "strong_discontent": True, "fault": "serious_error"},
    ),
    (
        "front_desk",
        "standards",
        "退房结账多收费用",
        "客人退房时发现账单多收一晚房费。",
        {"department": "front_office", "room": "1502", "fault": "error"},
    ),
    (
        "written",
        "awareness",
        "早餐品种单一",
        "客人在意见卡上写道早餐品种较少、补菜不及时。",
        {"department": "food_beverage"},
    ),
    (
        "online",
        "management",
        "网络点评：客房物品丢失",
        "客人在点评平台发帖称外出期间客房内物品丢失，酒店未妥善处理。",
        {"department": "security", "room": "2106", "loss_or_serious_harm": True},
    ),
]


def demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    """``count`` complaints cycling through the scenarios, each happening before ``now``."""
    tickets = []
    for i in range(count):
        channel, category, subject, description, fields = _SCENARIOS[i % len(_SCENARIOS)]
        tickets.append(
            {
                "kind": "complaint",
                "channel": channel,
                "category": category,
                "subject": subject,
                "description": description,
                "customer": {"name": f"宾客{i + 1}", "phone": f"1360000{i:04d}"},
                "fields": dict(fields),
                "occurred_at": now - timedelta(hours=1 + i % 5),
            }
        )
    return tickets
