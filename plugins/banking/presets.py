"""The documented alternatives to the default policy (sector-rules.md, Banking)."""

from __future__ import annotations

import copy
from typing import Any

from plugins.banking.policy import COMPLEX, DECISION, ESCALATED
from portal.hookspecs import PolicyPreset


def _working_days(amount: int) -> dict[str, Any]:
    return {"amount": amount, "unit": "working_days"}


def cbrc_2012_working_days(document: dict[str, Any]) -> dict[str, Any]:
    """CBRC 2012 No.13: 15 working days in principle, at most 60 working days.

    Superseded by order 2020 No.3 art 18 (15 / 30 / 60 calendar days). Complex tickets
    get the 60 working days at once and nothing beyond; the other tiers keep their
    approver and may be extended up to that ceiling.
    """
    changed = copy.deepcopy(document)
    for tier in changed.get("tiers", []):
        complex_tier = tier.get("key") == COMPLEX
        base = _working_days(60 if complex_tier else 15)
        for milestone in tier.get("milestones", []):
            if milestone.get("name") != DECISION:
                continue
            if milestone["duration"].get("unit") == "requested":
                milestone["default"] = base
            else:
                milestone["duration"] = base
        if complex_tier:
            tier.pop("extension", None)
        elif tier.get("extension"):
            tier["extension"]["max"] = _working_days(45)
    return changed


def order_tiers_only(document: dict[str, Any]) -> dict[str, Any]:
    """Only the tiers order 2020 No.3 itself draws (major, complex, ordinary): referred
    complaints keep the deadline of their complexity instead of the referring body's."""
    changed = copy.deepcopy(document)
    changed["tiers"] = [t for t in changed.get("tiers", []) if t.get("key") != ESCALATED]
    return changed


PRESETS = [
    PolicyPreset(
        key="cbrc_2012_working_days",
        label_en="2012 CBRC notice: 15 working days, at most 60 working days",
        label_zh="2012年银监会通知：原则上15个工作日，最长60个工作日",
        source="CBRC 2012 No.13 (superseded by order 2020 No.3 art 18)",
        apply=cbrc_2012_working_days,
    ),
    PolicyPreset(
        key="order_tiers_only",
        label_en="Order 2020 No.3 tiers only: no separate tier for referred complaints",
        label_zh="仅按2020年3号令分级：转办投诉不单设等级",
        source="order 2020 No.3 arts 18, 29; instead of sector-rules.md, Across sectors",
        apply=order_tiers_only,
    ),
]
