"""Reports: the figures the reporting jobs stored, never computed on request."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from portal.api.errors import ApiError, invalid
from portal.api.routing import Answer
from portal.api.schemas import ReportOut, ReportQuery
from portal.extensions import db
from portal.models import Report
from portal.reports.periods import KINDS, InvalidPeriod, parse


def get_report(kind: str, query: ReportQuery) -> Answer:
    if kind not in KINDS:
        raise ApiError(
            404,
            "not_found",
            _("There is no report kind %(kind)s.", kind=kind),
            {"kind": ", ".join(KINDS)},
        )
    try:
        parse(kind, query.period)
    except InvalidPeriod as exc:
        raise invalid({"period": str(exc)}) from None
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
