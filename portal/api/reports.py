"""Reports: the figures the reporting jobs stored, never computed on request."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from portal.api.errors import ApiError
from portal.api.routing import Answer
from portal.api.schemas import ReportOut, ReportQuery
from portal.extensions import db
from portal.models import Report


def get_report(kind: str, query: ReportQuery) -> Answer:
    report = db.session.scalar(
        select(Report).where(Report.kind == kind, Report.period == query.period)
    )
    if report is None:
        raise ApiError(
            404,
            "not_found",
            _(
                "There is no %(kind)s report for %(period)s. Reports appear here once the "
                "reporting jobs have built them.",
                kind=kind,
                period=query.period,
            ),
        )
    return ReportOut(
        kind=report.kind,
        period=report.period,
        created_at=report.created_at.astimezone(ZoneInfo(g.tenant.timezone)),
        figures=report.figures,
    )
