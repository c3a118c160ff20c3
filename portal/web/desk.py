"""The agent desk: the queue of the signed-in user's tenant.

Queries here never filter by tenant themselves: the session is bound to the user's
tenant (portal.tenancy), so a ticket of another tenant cannot appear.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth import roles_required
from portal.extensions import db
from portal.models import Role, Ticket
from portal.workflow.states import STATUS_LABELS, Status

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK_ROLES = (Role.TENANT_ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AUDITOR)
PAGE_SIZE = 50


@bp.route("/")
@roles_required(*DESK_ROLES)
def queue() -> tuple[str, int]:
    stmt = select(Ticket).options(selectinload(Ticket.customer), selectinload(Ticket.assignee))
    problems: list[str] = []

    status = request.args.get("status", "")
    if status:
        if status in Status.__members__.values():
            stmt = stmt.where(Ticket.status == status)
        else:
            problems.append(_("Unknown status: %(value)s", value=status))
    tier = request.args.get("tier", "")
    if tier:
        stmt = stmt.where(Ticket.tier == tier)
    breached = request.args.get("breached", "")
    if breached in ("1", "0"):
        stmt = stmt.where(Ticket.breached.is_(breached == "1"))
    elif breached:
        problems.append(_("Breached must be 1 or 0."))

    stmt = stmt.order_by(Ticket.next_due_at.asc().nulls_last(), Ticket.id.desc())
    page = db.paginate(stmt, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    html = render_template(
        "desk/queue.html",
        page=page,
        tenant=g.tenant,
        statuses=STATUS_LABELS,
        filters={"status": status, "tier": tier, "breached": breached},
        problems=problems,
    )
    return html, 400 if problems else 200
