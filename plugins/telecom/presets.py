"""Documented alternatives to the default policy (sector-rules.md, Telecom).

Each preset returns a changed deep copy and leaves its input alone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from portal.hookspecs import PolicyPreset
from portal.sectorkit import Doc


def _change_milestones(document: Doc, name: str, kind: str, change: Callable[[Doc], None]) -> Doc:
    """A copy with ``change`` applied to every tier's milestone ``name`` for ``kind``."""
    changed = copy.deepcopy(document)
    for tier in changed.get("tiers", []):
        for milestone in tier.get("milestones", []):
            kinds = milestone.get("kinds")
            if milestone.get("name") == name and (kinds is None or kind in kinds):
                change(milestone)
    return changed


def _working_days_reply(milestone: Doc) -> None:
    fifteen_working_days = {"amount": 15, "unit": "working_days"}
    if milestone["duration"]["unit"] == "requested":
        milestone["default"] = fifteen_working_days
    else:
        milestone["duration"] = fifteen_working_days


def order7_reply(document: Doc) -> Doc:
    # 电信用户申诉处理暂行办法 (MII order 7, 2001) art 8: "15个工作日内答复用户" (seed 003);
    # replaced by order 35 (2016)'s 15 days.
    return _change_milestones(document, "reply", "complaint", _working_days_reply)


def _rural_repair(milestone: Doc) -> None:
    milestone["duration"] = {"amount": 72, "unit": "hours"}


def rural_repair(document: Doc) -> Doc:
    # 电信条例 art 32: 72 hours in rural areas. The core cannot vary a milestone by field
    # (area), so a branch serving rural areas switches the whole policy.
    return _change_milestones(document, "repair", "fault", _rural_repair)


def presets() -> list[PolicyPreset]:
    return [
        PolicyPreset(
            key="order7_reply_15_working_days",
            label_en="Operator answers within 15 working days (order 7, 2001)",
            label_zh="经营者15个工作日内答复（2001年第7号令）",
            source="电信用户申诉处理暂行办法 (MII order 7, 2001) art 8; seed 003",
            apply=order7_reply,
        ),
        PolicyPreset(
            key="rural_repair_72_hours",
            label_en="Faults repaired within 72 hours (rural areas)",
            label_zh="农村地区障碍72小时内修复",
            source="电信条例 art 32",
            apply=rural_repair,
        ),
    ]
