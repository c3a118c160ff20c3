"""Report pages in the desk: the list of built reports, one report with its charts,
and its CSV and XLSX exports. For supervisors and tenant admins.

Reports are read through the session bound to the user's tenant (portal.tenancy), so
another tenant's report is simply not found: 404, like a period never built.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import load_only

from portal.auth import roles_required
from portal.extensions import db
from portal.models import Department, Report, Role
from portal.policy.versions import active_version
from portal.reports.export import to_csv, to_xlsx
from portal.reports.periods import KINDS, InvalidPeriod, parse
from portal.reports.tables import MILESTONES, Labels, Table, tables

bp = Blueprint("reports", __name__, url_prefix="/desk/reports")

# Auditors read reports too (design.md); agents work tickets, not figures.
REPORT_ROLES = (Role.SUPERVISOR, Role.TENANT_ADMIN, Role.AUDITOR)
KIND_LABELS = {
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "quarterly": _l("Quarterly"),
    "yearly": _l("Yearly"),
}
LISTED_PER_KIND = 40
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/")
@roles_required(*REPORT_ROLES)
def index() -> str:
    rows = db.session.scalars(
        select(Report)
        .options(load_only(Report.kind, Report.period, Report.created_at))
        .order_by(Report.period.desc())
    )
    by_kind: dict[str, list[Report]] = {kind: [] for kind in KINDS}
    for report in rows:
        listed = by_kind.setdefault(report.kind, [])
        if len(listed) < LISTED_PER_KIND:
            listed.append(report)
    return render_template("reports/index.html", by_kind=by_kind, kind_labels=KIND_LABELS)


def _report(kind: str, period: str) -> Report:
    try:
        parse(kind, period)
    except InvalidPeriod:
        abort(404)
    report = db.session.scalar(select(Report).where(Report.kind == kind, Report.period == period))
    if report is None:
        abort(404, _("There is no %(kind)s report for %(period)s yet.", kind=kind, period=period))
    return report


def _tables(report: Report) -> tuple[list[Table], Labels]:
    document = active_version(db.session, g.tenant).document
    departments = dict(db.session.execute(select(Department.code, Department.name)).all())
    labels = Labels(document, departments, str(get_locale()))
    return tables(report.figures, labels), labels


def _charts(figures: dict[str, Any], labels: Labels) -> dict[str, Any]:
    daily = figures.get("daily", [])
    tiers = figures["by"].get("tier", {})
    milestones = figures.get("milestones", {})
    return {
        "volume": {
            "title": _("Tickets received per day"),
            "labels": [d["date"][5:] for d in daily],
            "values": [d["tickets"] for d in daily],
        },
        "tiers": {
            "title": _("Tickets by tier"),
            "labels": [labels.of("tier", key) for key in tiers],
            "values": list(tiers.values()),
        },
        "on_time": {
            "title": _("On-time rate per milestone (%)"),
            "labels": [str(MILESTONES.get(name, name)) for name in milestones],
            "values": [
                None if c["on_time_rate"] is None else round(c["on_time_rate"] * 100, 1)
                for c in milestones.values()
            ],
        },
    }


@bp.route("/<kind>/<period>")
@roles_required(*REPORT_ROLES)
def show(kind: str, period: str) -> str:
    report = _report(kind, period)
    report_tables, labels = _tables(report)
    return render_template(
        "reports/report.html",
        report=report,
        kind_label=KIND_LABELS[kind],
        tables=report_tables,
        charts=_charts(report.figures, labels),
    )


@bp.route("/<kind>/<period>/export.<fmt>")
@roles_required(*REPORT_ROLES)
def export(kind: str, period: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        abort(404)
    report = _report(kind, period)
    report_tables, _labels = _tables(report)
    name = f"{g.tenant.slug}-{kind}-{period}.{fmt}"
    body = to_csv(report_tables) if fmt == "csv" else to_xlsx(report_tables, f"{kind} {period}")
    return Response(
        body,
        content_type=EXPORTS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
