"""Appeal statistics per quarter for the communications administration (order 7
art 7, seed 003): appeals received, admissible and not (with the reasons), answered,
kept on time, and by cause. The section is in every report; the quarterly one is the
return the rule asks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from plugins.telecom.policy import default_policy
from portal.hookspecs import Bilingual, ReportFigure, ReportSection
from portal.models import Milestone, Ticket
from portal.reports.deadlines import on_time_by, overall_rate
from portal.reports.sections import count_rows
from portal.reports.sql import count_by, received

ANSWERED = ("replied", "resolved", "callback_done", "closed")


def report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime, now: datetime
) -> list[ReportSection]:
    where = [*received(tenant_id, start, end), Ticket.kind == "appeal"]
    total, admissible, answered = session.execute(
        select(
            func.count(),
            func.count().filter(Ticket.validity == "valid"),
            func.count().filter(Ticket.status.in_(ANSWERED)),
        ).where(*where)
    ).one()
    timeliness = on_time_by(
        session, Milestone.name, tenant_id, start, end, now, [Ticket.kind == "appeal"]
    )
    policy = default_policy()
    return [
        ReportSection(
            key="telecom_appeals",
            title=Bilingual(
                "Appeal statistics (order 7 art 7)", "申诉统计（原信息产业部令第7号第七条）"
            ),
            figures=[
                ReportFigure("appeals", Bilingual("Appeals received", "受理申诉量"), total),
                ReportFigure("admissible", Bilingual("Admissible", "予以受理"), admissible),
                ReportFigure(
                    "inadmissible", Bilingual("Not admissible", "不予受理"), total - admissible
                ),
                ReportFigure("answered", Bilingual("Answered", "已答复"), answered),
                ReportFigure(
                    "on_time_rate",
                    Bilingual("Appeal deadlines kept", "申诉时限及时率"),
                    overall_rate(timeliness),
                    rate=True,
                ),
            ],
            columns=[Bilingual("Cause", "申诉原因"), Bilingual("Appeals", "申诉量")],
            rows=count_rows(count_by(session, Ticket.category, where), policy["categories"]),
        ),
        ReportSection(
            key="telecom_inadmissible",
            title=Bilingual("Appeals not admitted, by reason", "不予受理的申诉（按原因）"),
            columns=[Bilingual("Reason", "原因"), Bilingual("Appeals", "申诉量")],
            rows=count_rows(
                count_by(
                    session,
                    Ticket.validity_reasons[0].as_string(),
                    [*where, Ticket.validity == "invalid"],
                ),
                policy["validity_reasons"],
            ),
        ),
    ]
