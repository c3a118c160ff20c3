"""On-time rate per tier (seed 002 §2): each tier promises its own deadlines (major:
the general manager the same day, an answer in 2 days, solved in 10; important: 1 hour
to engineering, 3 days; minor: 2 days), so the report shows how each tier kept them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plugins.property.policy import default_policy
from portal.hookspecs import Bilingual, ReportFigure, ReportSection
from portal.models import Ticket
from portal.reports.deadlines import on_time_by, overall_rate
from portal.reports.sections import label_of, percent


def report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime, now: datetime
) -> list[ReportSection]:
    by_tier = on_time_by(session, Ticket.tier, tenant_id, start, end, now)
    tiers = default_policy()["tiers"]
    rank = {tier["key"]: n for n, tier in enumerate(tiers)}
    ordered = sorted(by_tier.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    return [
        ReportSection(
            key="property_on_time_by_tier",
            title=Bilingual("Deadlines kept per tier (seed 002 §2)", "各级别投诉处理及时率"),
            figures=[
                ReportFigure(
                    "on_time_rate",
                    Bilingual("On-time rate, all tiers", "总体及时率"),
                    overall_rate(by_tier),
                    rate=True,
                )
            ],
            columns=[
                Bilingual("Tier", "级别"),
                Bilingual("On time", "按时"),
                Bilingual("Late", "超时"),
                Bilingual("Pending", "未到期"),
                Bilingual("On-time rate (%)", "及时率（%）"),
            ],
            rows=[
                [
                    label_of(tiers, key),
                    c["on_time"],
                    c["late"],
                    c["pending"],
                    percent(c["on_time_rate"]),
                ]
                for key, c in ordered
            ],
        )
    ]
