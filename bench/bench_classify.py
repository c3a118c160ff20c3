"""How fast tickets are classified: 100,000 random tickets under a realistic policy.

Run: ``.venv/bin/python bench/bench_classify.py [count]``. Not a test: the import
budget needs >= 10,000 tickets/s end to end, so classification alone must be far
faster. The facts are built before the clock starts; only ``classify`` is timed.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.policy.classify import TicketFacts, classify, compile_policy
from portal.policy.document import validate_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def _choice(key: str, en: str, zh: str) -> dict[str, object]:
    return {"key": key, "label": _label(en, zh)}


def _days(amount: int) -> dict[str, object]:
    return {"amount": amount, "unit": "calendar_days"}


POLICY = {
    "kinds": ["inquiry", "consultation", "complaint", "appeal"],
    "fields": [
        {"key": "amount", "label": _label("Amount", "金额"), "type": "number", "min": 0},
        {
            "key": "personal_injury",
            "label": _label("Personal injury", "人身伤害"),
            "type": "boolean",
        },
        {"key": "media_involved", "label": _label("Media involved", "媒体介入"), "type": "boolean"},
        {"key": "owners_affected", "label": _label("Owners", "业主数"), "type": "integer"},
        {
            "key": "product",
            "label": _label("Product", "产品"),
            "type": "choice",
            "choices": [_choice(k, k, k) for k in ("broadband", "mobile", "tv")],
        },
    ],
    "validity_reasons": [
        _choice("anonymous", "Anonymous", "匿名"),
        _choice("no_contact", "No contact", "无联系方式"),
        _choice("too_late", "Too late", "超过时效"),
    ],
    "invalid_rules": [
        {"reason": "anonymous", "when": {"flag": "customer.anonymous"}},
        {"reason": "no_contact", "when": {"not": {"flag": "has_contact"}}},
        {
            "reason": "too_late",
            "when": {
                "all": [
                    {"field": "kind", "op": "==", "value": "appeal"},
                    {"occurred_more_than": {"amount": 5, "unit": "months"}},
                ]
            },
        },
    ],
    "channel_levels": [_choice("branch", "Branch", "省内"), _choice("group", "Group", "集团")],
    "channels": [
        {"key": "phone", "label": _label("Phone", "电话"), "level": "branch"},
        {"key": "web", "label": _label("Web", "网站"), "level": "branch"},
        {"key": "weibo", "label": _label("Weibo", "微博"), "level": "group"},
    ],
    "tiers": [
        {
            "key": key,
            "label": _label(key.title(), zh),
            "milestones": [{"name": "reply", "start": "created", "duration": _days(days)}],
        }
        for key, zh, days in (("major", "重大", 2), ("important", "重要", 3), ("minor", "轻微", 5))
    ],
    "default_tier": "minor",
    "scoring": {
        "rules": [
            {
                "when": {"field": "amount", "op": ">=", "value": 5000},
                "points": 3,
                "label": _label("Large amount", "金额大"),
            },
            {"when": {"flag": "personal_injury"}, "points": 5, "label": _label("Injury", "伤害")},
            {"when": {"flag": "media_involved"}, "points": 2, "label": _label("Media", "媒体")},
            {
                "when": {"field": "owners_affected", "op": ">=", "value": 10},
                "points": 3,
                "label": _label("Many owners", "多名业主"),
            },
            {
                "when": {"repeats": {"at_least": 2, "within_days": 30}},
                "points": 2,
                "label": _label("Repeat", "重复投诉"),
            },
            {
                "when": {
                    "any": [
                        {"field": "channel_level", "op": "==", "value": "group"},
                        {"field": "product", "op": "in", "value": ["tv"]},
                    ]
                },
                "points": 1,
                "label": _label("Group channel or TV", "集团渠道或电视"),
            },
        ],
        "thresholds": [{"tier": "major", "min_score": 5}, {"tier": "important", "min_score": 2}],
    },
}


def random_facts(rng: random.Random, now: datetime) -> TicketFacts:
    fields: dict[str, object] = {"amount": rng.choice((0, 300, 4999, 5000, 12000))}
    if rng.random() < 0.1:
        fields["personal_injury"] = True
    if rng.random() < 0.1:
        fields["media_involved"] = True
    if rng.random() < 0.3:
        fields["owners_affected"] = rng.randint(1, 30)
    if rng.random() < 0.5:
        fields["product"] = rng.choice(("broadband", "mobile", "tv"))
    prior = [now - timedelta(days=rng.randint(1, 90)) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
    return TicketFacts(
        kind=rng.choice(("complaint", "complaint", "consultation", "appeal")),
        channel=rng.choice(("phone", "web", "weibo")),
        now=now,
        customer_anonymous=rng.random() < 0.05,
        has_contact=rng.random() < 0.95,
        fields=fields,
        occurred_at=now - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.7 else None,
        prior_complaints=prior,
        locale=rng.choice(("en", "zh")),
    )


def main(count: int) -> None:
    started = time.perf_counter()
    compiled = compile_policy(validate_policy(POLICY))
    compile_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(2026)
    now = datetime(2026, 9, 1, 10, tzinfo=SHANGHAI)
    tickets = [random_facts(rng, now) for _ in range(count)]
    started = time.perf_counter()
    for facts in tickets:
        classify(compiled, facts)
    elapsed = time.perf_counter() - started
    print(f"validate + compile: {compile_ms:.1f} ms")
    print(f"classified {count:,} tickets in {elapsed:.2f} s: {count / elapsed:,.0f} tickets/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
