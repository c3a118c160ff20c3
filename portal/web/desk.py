"""The agent desk: the queue of the signed-in user's tenant.

Queries here never filter by tenant themselves: the session is bound to the user's
tenant (portal.tenancy), so a ticket of another tenant cannot appear.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.auth import roles_required
from portal.extensions import db
from portal.models import Customer, Role, Ticket, utcnow
from portal.policy.versions import active_version
from portal.workflow.states import KIND_LABELS, STATUS_LABELS, Kind, Status

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK_ROLES = (Role.TENANT_ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AUDITOR)
PAGE_SIZE = 50
MAX_DUE_WITHIN_HOURS = 720


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
    tiers = [t["key"] for t in active_version(db.session, g.tenant).document.get("tiers", [])]
    if tier:
        if tier in tiers:
            stmt = stmt.where(Ticket.tier == tier)
        else:
            problems.append(_("Unknown tier: %(value)s", value=tier))
    breached = request.args.get("breached", "")
    if breached in ("1", "0"):
        stmt = stmt.where(Ticket.breached.is_(breached == "1"))
    elif breached:
        problems.append(_("Breached must be 1 or 0."))
    kind = request.args.get("kind", "")
    if kind:
        if kind in Kind.__members__.values():
            stmt = stmt.where(Ticket.kind == kind)
        else:
            problems.append(_("Unknown kind: %(value)s", value=kind))
    if request.args.get("mine") == "1":
        stmt = stmt.where(Ticket.assignee_id == current_user.id)
    due_within = request.args.get("due_within", "")
    if due_within:
        if due_within.isdecimal() and 1 <= int(due_within) <= MAX_DUE_WITHIN_HOURS:
            horizon = utcnow() + timedelta(hours=int(due_within))
            stmt = stmt.where(Ticket.next_due_at <= horizon)
        else:
            problems.append(_("Due within must be 1 to %(n)s hours.", n=MAX_DUE_WITHIN_HOURS))
    search = request.args.get("q", "").strip()[:100]
    if search:
        # A number, a phone number, or words of the customer's name or the subject.
        stmt = stmt.outerjoin(Customer, Customer.id == Ticket.customer_id).where(
            or_(
                Ticket.number == search,
                Customer.phone == search,
                Customer.name.contains(search, autoescape=True),
                Ticket.subject.contains(search, autoescape=True),
            )
        )

    page_arg = request.args.get("page", "1")
    page_number = int(page_arg) if page_arg.isdecimal() and len(page_arg) <= 6 else 0
    if page_number < 1:
        problems.append(_("The page must be a number from 1 to 999999."))
        page_number = 1

    stmt = stmt.order_by(Ticket.next_due_at.asc().nulls_last(), Ticket.id.desc())
    page = db.paginate(
        stmt, page=page_number, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False
    )
    html = render_template(
        "desk/queue.html",
        page=page,
        tenant=g.tenant,
        statuses=STATUS_LABELS,
        tiers=tiers,
        kinds=KIND_LABELS,
        filters={
            "status": status,
            "tier": tier,
            "breached": breached,
            "kind": kind,
            "mine": request.args.get("mine", ""),
            "due_within": due_within,
            "q": search,
        },
        problems=problems,
    )
    return html, 400 if problems else 200
