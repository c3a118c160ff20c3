"""Documented alternatives to the retail default policy (docs/sectors.md).

Each preset takes a default-shaped document and returns a changed deep copy; it raises
ValueError, naming what it missed, on a document whose shape it cannot read.
"""

from __future__ import annotations

import copy
from typing import Any

from portal.hookspecs import PolicyPreset

__all__ = ["PRESETS"]

# Seed 002 §7 gives no figures: one major criterion alone, or three of the important
# ones together, make a major complaint; any important one makes an important one.
MAJOR_POINTS = 10
IMPORTANT_POINTS = 4


def _tier(document: dict[str, Any], key: str) -> dict[str, Any]:
    for tier in document["tiers"]:
        if tier["key"] == key:
            return tier
    raise ValueError(f"the document has no '{key}' tier")


def resolve_within_24_hours(document: dict[str, Any]) -> dict[str, Any]:
    """General complaints resolved within 24 hours instead of 2 days."""
    changed = copy.deepcopy(document)
    resolve = [m for m in _tier(changed, "general")["milestones"] if m["name"] == "resolve"]
    if not resolve:
        raise ValueError("the 'general' tier has no 'resolve' milestone")
    for milestone in resolve:
        milestone["duration"] = {"amount": 24, "unit": "hours"}
        milestone.pop("default", None)
    return changed


def _criteria(tier: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the kind test, the criteria) of a default-shaped ``when``: all of a kind test
    and any of the criteria."""
    when = tier.get("when") or {}
    parts = when.get("all", [])
    if len(parts) != 2 or "any" not in parts[1]:
        raise ValueError(f"tier '{tier['key']}' is not 'all: [kind, any: [criteria]]'")
    return parts[0], parts[1]["any"]


def score_by_points(document: dict[str, Any]) -> dict[str, Any]:
    """The tier criteria turned into points, so several signals add up (seed 002 §7)."""
    changed = copy.deepcopy(document)
    rules = []
    for key, points in (("major", MAJOR_POINTS), ("important", IMPORTANT_POINTS)):
        tier = _tier(changed, key)
        kind, criteria = _criteria(tier)
        for criterion in criteria:
            if "label" not in criterion:
                raise ValueError(f"a criterion of tier '{key}' has no label to score it by")
            rules.append(
                {"when": {"all": [kind, criterion]}, "points": points, "label": criterion["label"]}
            )
        # With scoring the tiers' own criteria are not consulted: drop them so the
        # editor shows only what decides.
        del tier["when"]
    changed["scoring"] = {
        "rules": rules,
        "thresholds": [
            {"tier": "major", "min_score": MAJOR_POINTS},
            {"tier": "important", "min_score": IMPORTANT_POINTS},
        ],
    }
    return changed


def requested_deadline_may_lengthen(document: dict[str, Any]) -> dict[str, Any]:
    """A referral's or the customer's deadline stands even when later than the default."""
    changed = copy.deepcopy(document)
    changed["requested_deadline_may_lengthen"] = True
    return changed


PRESETS = [
    PolicyPreset(
        key="resolve_within_24_hours",
        label_en="General complaints resolved within 24 hours",
        label_zh="一般投诉24小时内处理完毕",
        source="seed 000 §Ⅷ art 3 item 4 (告知公司将会在24小时内进行处理), read as resolution",
        apply=resolve_within_24_hours,
    ),
    PolicyPreset(
        key="score_by_points",
        label_en="Tier by points instead of the first matching tier",
        label_zh="按积分评定投诉等级",
        source="seed 002 §7 (利用打分的制度评判投诉级别)",
        apply=score_by_points,
    ),
    PolicyPreset(
        key="requested_deadline_may_lengthen",
        label_en="A referral's or customer's deadline may be later than the default",
        label_zh="转办单位或顾客要求的期限可长于默认期限",
        source=(
            "sector-rules.md, across sectors: an escalated complaint carries the deadline "
            "the referring body set; seed 002 §2 (或在客户要求的期限内)"
        ),
        apply=requested_deadline_may_lengthen,
    ),
]
