"""The banking statistics (2007 CBRC notice art 7, seed 001): total, verified, finally
answered and turned into litigation, by the six statistical categories, and customer
satisfaction from the callbacks.

Our readings, where the notice names a figure but not its test: *verified* (核实) is a
complaint found valid; *finally answered* is a valid complaint whose decision stands
(resolved, called back or closed, not reopened or under review); *turned into
litigation* is a complaint whose staff-only field ``litigation`` is ticked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from plugins.banking.policy import default_policy
from portal.hookspecs import Bilingual, ReportFigure, ReportSection
from portal.models import Event, Ticket
from portal.reports.sections import count_rows
from portal.reports.sql import count_by, field_flag, field_text, ratio, received

ANSWERED = ("resolved", "callback_done", "closed")
LITIGATION_FIELD = "litigation"


def report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime
) -> list[ReportSection]:
    where = [*received(tenant_id, start, end), Ticket.kind == "complaint"]
    valid = Ticket.validity == "valid"
    total, verified, answered, litigation = session.execute(
        select(
            func.count(),
            func.count().filter(valid),
            func.count().filter(valid, Ticket.status.in_(ANSWERED)),
            func.count().filter(field_flag(LITIGATION_FIELD)),
        ).where(*where)
    ).one()
    attitude = Event.data[("survey", "attitude")].as_string()
    calls, satisfied = session.execute(
        select(func.count(), func.count().filter(attitude == "satisfied"))
        .select_from(Event)
        .join(Ticket, Ticket.id == Event.ticket_id)
        .where(
            Event.tenant_id == tenant_id,
            Event.type == "callback",
            Event.at >= start,
            Event.at < end,
            Ticket.kind == "complaint",
        )
    ).one()
    policy = default_policy()
    products = next(f["choices"] for f in policy["fields"] if f["key"] == "product")
    return [
        ReportSection(
            key="banking_statistics",
            title=Bilingual(
                "Complaint statistics (2007 CBRC notice art 7)",
                "投诉统计（2007年银监会通知第七条）",
            ),
            figures=[
                ReportFigure("total", Bilingual("Complaints received", "投诉总量"), total),
                ReportFigure(
                    "verified", Bilingual("Verified (valid)", "核实（有效）投诉"), verified
                ),
                ReportFigure(
                    "finally_answered", Bilingual("Finally answered", "最终答复"), answered
                ),
                ReportFigure(
                    "litigation", Bilingual("Turned into litigation", "转为诉讼"), litigation
                ),
                ReportFigure("callbacks", Bilingual("Callbacks", "回访"), calls),
                ReportFigure(
                    "satisfaction",
                    Bilingual("Customer satisfaction", "客户满意度"),
                    ratio(satisfied, calls),
                    rate=True,
                ),
            ],
            columns=[
                Bilingual("Statistical category", "统计类别"),
                Bilingual("Complaints", "投诉量"),
            ],
            rows=count_rows(
                count_by(session, Ticket.category, where), policy["categories"], every=True
            ),
        ),
        ReportSection(
            key="banking_products",
            title=Bilingual("Complaints by product or service", "按产品或服务分类的投诉"),
            columns=[
                Bilingual("Product or service", "产品或服务"),
                Bilingual("Complaints", "投诉量"),
            ],
            rows=count_rows(count_by(session, field_text("product"), where), products),
        ),
    ]
