"""The documented alternatives to the default: city regulations and tiering by score
(sector-rules.md, property, "city alternatives" and "tiering by score").

Each ``apply`` returns a changed deep copy and may be applied again without harm.
Milestones can only depend on the tier and the kind, so a deadline that a city sets for
one kind of matter (an objection to a notice, a 12345 referral) comes as a tier of its
own, placed just above the default tier with the default tier's deadlines plus its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Final

from plugins.property.policy import (
    IMPORTANT,
    LOSS,
    MAJOR,
    MAJOR_LOSS_YUAN,
    THIRD_PARTY,
    days,
    label,
    milestone,
)
from portal.hookspecs import PolicyPreset

Document = dict[str, Any]

HANGZHOU_REPLY_DAYS: Final = 10
LIAOCHENG_REPLY_DAYS: Final = 3
JINAN_REPLY_WORKING_DAYS: Final = 5
NOTICE_OBJECTION: Final = "notice_objection"
HOTLINE_REFERRAL: Final = "hotline_referral"


def _changed(change: Callable[[Document], None]) -> Callable[[Document], Document]:
    def apply(document: Document) -> Document:
        changed = copy.deepcopy(document)
        change(changed)
        return changed

    return apply


def _reply(duration: dict[str, Any]) -> dict[str, Any]:
    return milestone("reply", "Answer to the complainant", "答复投诉人", duration)


def _hangzhou(document: Document) -> None:
    """Every tier answers within 10 days; shorter replies already set stay."""
    for tier in document["tiers"]:
        replies = [m for m in tier.get("milestones", []) if m["name"] == "reply"]
        for reply in replies:
            duration = reply["duration"]
            if duration["unit"] == "calendar_days" and duration["amount"] > HANGZHOU_REPLY_DAYS:
                reply["duration"] = days(HANGZHOU_REPLY_DAYS)
        if not replies:
            tier.setdefault("milestones", []).append(_reply(days(HANGZHOU_REPLY_DAYS)))


def _tier_above_default(
    document: Document, key: str, name: dict[str, str], when: dict[str, Any], reply: Document
) -> None:
    """Put (or replace) tier ``key``: the default tier's deadlines plus ``reply``."""
    tiers = [t for t in document["tiers"] if t["key"] != key]
    default = next(t for t in tiers if t["key"] == document["default_tier"])
    tier = copy.deepcopy(default)
    kept = [m for m in tier.get("milestones", []) if m["name"] != "reply"]
    tier.update(key=key, label=name, when=when, milestones=[_reply(reply), *kept])
    tiers.insert(tiers.index(default), tier)
    document["tiers"] = tiers


def _liaocheng(document: Document) -> None:
    fields = [f for f in document["fields"] if f["key"] != NOTICE_OBJECTION]
    fields.append(
        {
            "key": NOTICE_OBJECTION,
            "label": label("Objection to a notice we published", "对物业公示内容的异议"),
            "type": "boolean",
        }
    )
    document["fields"] = fields
    _tier_above_default(
        document,
        NOTICE_OBJECTION,
        label("Objection to a notice", "公示异议"),
        {"flag": NOTICE_OBJECTION},
        days(LIAOCHENG_REPLY_DAYS),
    )


def _jinan(document: Document) -> None:
    _tier_above_default(
        document,
        HOTLINE_REFERRAL,
        label("12345 hotline referral", "12345热线转办"),
        {"field": "channel", "op": "==", "value": "hotline_12345"},
        {"amount": JINAN_REPLY_WORKING_DAYS, "unit": "working_days"},
    )


def _score_rule(points: int, en: str, zh: str, when: dict[str, Any]) -> dict[str, Any]:
    return {"when": when, "points": points, "label": label(en, zh)}


def _scoring(document: Document) -> None:
    """Points for each criterion of the default: one major criterion alone reaches major
    and one important alone reaches important, as before; what scoring adds is that
    lesser ones add up (a failure raised repeatedly is major)."""
    caused_by_us = {"not": {"field": "category", "op": "==", "value": THIRD_PARTY}}
    document["scoring"] = {
        "rules": [
            _score_rule(
                10,
                "Loss of 5,000 yuan or more",
                "损失5000元以上",
                {"all": [{"field": LOSS, "op": ">=", "value": MAJOR_LOSS_YUAN}, caused_by_us]},
            ),
            _score_rule(
                10,
                "Personal injury",
                "人身伤害",
                {"all": [{"flag": "personal_injury"}, caused_by_us]},
            ),
            _score_rule(10, "Many owners harmed", "多名业主受害", {"flag": "group_harm"}),
            _score_rule(
                10, "Unsolved for a month", "一个月未解决", {"flag": "unsolved_over_a_month"}
            ),
            _score_rule(
                5,
                "Promised service not delivered",
                "承诺服务未兑现",
                {"flag": "promised_service_failed"},
            ),
            _score_rule(
                5,
                "Raised repeatedly",
                "多次反映",
                {
                    "any": [
                        {"field": "repeat_count", "op": ">=", "value": 2},
                        {"field": "earlier_requests", "op": ">=", "value": 1},
                    ]
                },
            ),
            _score_rule(5, "Our fault", "我方过失", {"flag": "company_fault"}),
        ],
        "thresholds": [{"tier": IMPORTANT, "min_score": 5}, {"tier": MAJOR, "min_score": 10}],
    }
    for tier in document["tiers"]:
        tier.pop("when", None)  # ignored once scoring decides; left in, it would mislead


PRESETS: Final = [
    PolicyPreset(
        key="hangzhou_2021",
        label_en="Hangzhou: answer every complaint within 10 days",
        label_zh="杭州：投诉10日内答复",
        source="杭州市物业管理条例 (2021) art 50",
        apply=_changed(_hangzhou),
    ),
    PolicyPreset(
        key="liaocheng",
        label_en="Liaocheng: answer objections to notices within 3 days",
        label_zh="聊城：公示异议3日内答复",
        source="聊城市物业管理条例 art 35",
        apply=_changed(_liaocheng),
    ),
    PolicyPreset(
        key="jinan_2018",
        label_en="Jinan: answer 12345 hotline referrals within 5 working days",
        label_zh="济南：12345热线转办5个工作日内答复",
        source="济南市物业管理条例 (2018) art 24",
        apply=_changed(_jinan),
    ),
    PolicyPreset(
        key="scoring",
        label_en="Tiers by points instead of judgement",
        label_zh="按分值判定投诉级别",
        source="seed 002 §7",
        apply=_changed(_scoring),
    ),
]
