"""Complaints by store and cause (seed 000 §Ⅷ arts 2-3): the store that received or
caused the complaint (field ``store``) against the cause (the category: misunderstanding,
attitude, the three kinds of return), so headquarters sees where each cause arises.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from plugins.retail.policy import default_policy
from portal.hookspecs import Bilingual, ReportFigure, ReportSection
from portal.models import Ticket
from portal.reports.sections import label_of
from portal.reports.sql import UNSET, field_text, received

#: The most frequent (store, cause) pairs listed; a chain may have hundreds of stores.
MAX_ROWS = 200


def report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime
) -> list[ReportSection]:
    store = func.coalesce(field_text("store"), UNSET)
    cause = func.coalesce(Ticket.category, UNSET)
    where = [*received(tenant_id, start, end), Ticket.kind == "complaint"]
    total, stores = session.execute(
        select(func.count(), func.count(field_text("store").distinct())).where(*where)
    ).one()
    rows = session.execute(
        select(store, cause, func.count())
        .where(*where)
        .group_by(store, cause)
        .order_by(func.count().desc(), store, cause)
        .limit(MAX_ROWS)
    ).all()
    causes = default_policy()["categories"]
    return [
        ReportSection(
            key="retail_store_cause",
            title=Bilingual("Complaints by store and cause", "各门店投诉（按原因）"),
            figures=[
                ReportFigure("complaints", Bilingual("Complaints", "投诉量"), total),
                ReportFigure(
                    "stores", Bilingual("Stores complained about", "被投诉门店数"), stores
                ),
            ],
            columns=[
                Bilingual("Store", "门店"),
                Bilingual("Cause", "投诉原因"),
                Bilingual("Complaints", "投诉量"),
            ],
            rows=[
                [s if s != UNSET else label_of([], UNSET), label_of(causes, c), int(n)]
                for s, c, n in rows
            ],
        )
    ]
