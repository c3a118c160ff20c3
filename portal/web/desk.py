"""The agent desk: the queue of the signed-in user's tenant.

Queries here never filter by tenant themselves: the session is bound to the user's
tenant (portal.tenancy), so a ticket of another tenant cannot appear. A page costs the
same few statements whatever its size: the customers, assignees and countdowns of its
tickets are loaded in one statement each.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ColumnElement, or_, select, union
from sqlalchemy.orm import selectinload

from portal.auth import roles_required
from portal.extensions import db
from portal.models import Customer, Department, Role, Ticket, utcnow
from portal.plugins import sectors
from portal.policy.document import Locale
from portal.policy.engine import policy_of
from portal.policy.versions import active_version
from portal.tenancy import get_in_scope
from portal.web.countdown import countdowns
from portal.workflow.states import KIND_LABELS, STATUS_LABELS, Kind, Status

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK_ROLES = (Role.TENANT_ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AUDITOR)
PAGE_SIZE = 50
MAX_DUE_WITHIN_HOURS = 720
YES_NO = ("1", "0")


def page_language() -> Locale:
    """The language of the page, for the policy's bilingual labels."""
    return "zh" if str(get_locale()).startswith("zh") else "en"


def contains(column: Any, words: str) -> ColumnElement[bool]:
    """``column`` contains ``words``, ignoring case: ILIKE on PostgreSQL, which its
    trigram index serves; LIKE on SQLite, which ignores ASCII case already."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column.icontains(words, autoescape=True)
    return column.contains(words, autoescape=True)


def _search(words: str) -> ColumnElement[bool]:
    """A number, a phone number, or words of the customer's name, the subject or the
    description. One branch per index, so each can use its own."""
    matches = union(
        select(Ticket.id).where(Ticket.number == words),
        select(Ticket.id).where(contains(Ticket.subject, words)),
        select(Ticket.id).where(contains(Ticket.description, words)),
        select(Ticket.id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(or_(Customer.phone == words, contains(Customer.name, words))),
    )
    return Ticket.id.in_(matches)


@bp.route("/")
@roles_required(*DESK_ROLES)
def queue() -> tuple[str, int]:
    stmt = select(Ticket).options(selectinload(Ticket.customer), selectinload(Ticket.assignee))
    problems: list[str] = []
    policy = policy_of(sectors(), active_version(db.session, g.tenant)).document
    language = page_language()
    args = request.args

    status = args.get("status", "")
    if status:
        if status in Status.__members__.values():
            stmt = stmt.where(Ticket.status == status)
        else:
            problems.append(_("Unknown status: %(value)s", value=status))
    tier = args.get("tier", "")
    tiers = {t.key: t.label.text(language) for t in policy.tiers}
    if tier:
        if tier in tiers:
            stmt = stmt.where(Ticket.tier == tier)
        else:
            problems.append(_("Unknown tier: %(value)s", value=tier))
    channel = args.get("channel", "")
    channels = {c.key: c.label.text(language) for c in policy.channels}
    if channel:
        if channel in channels:
            stmt = stmt.where(Ticket.channel == channel)
        else:
            problems.append(_("Unknown channel: %(value)s", value=channel))
    department = args.get("department", "")
    if department:
        found = (
            get_in_scope(db.session, Department, int(department))
            if department.isdecimal() and len(department) <= 9
            else None
        )
        if found is not None:
            stmt = stmt.where(Ticket.department_id == found.id)
        else:
            problems.append(_("Unknown department: %(value)s", value=department))
    breached = args.get("breached", "")
    if breached in YES_NO:
        stmt = stmt.where(Ticket.breached.is_(breached == "1"))
    elif breached:
        problems.append(_("Breached must be 1 or 0."))
    escalated = args.get("escalated", "")
    if escalated in YES_NO:
        level = Ticket.escalation_level
        stmt = stmt.where(level > 0 if escalated == "1" else level == 0)
    elif escalated:
        problems.append(_("Escalated must be 1 or 0."))
    kind = args.get("kind", "")
    if kind:
        if kind in Kind.__members__.values():
            stmt = stmt.where(Ticket.kind == kind)
        else:
            problems.append(_("Unknown kind: %(value)s", value=kind))
    if args.get("mine") == "1":
        stmt = stmt.where(Ticket.assignee_id == current_user.id)
    due_within = args.get("due_within", "")
    if due_within:
        if due_within.isdecimal() and 1 <= int(due_within) <= MAX_DUE_WITHIN_HOURS:
            horizon = utcnow() + timedelta(hours=int(due_within))
            stmt = stmt.where(Ticket.next_due_at <= horizon)
        else:
            problems.append(_("Due within must be 1 to %(n)s hours.", n=MAX_DUE_WITHIN_HOURS))
    search = args.get("q", "").strip()[:100]
    if search:
        stmt = stmt.where(_search(search))

    page_arg = args.get("page", "1")
    page_number = int(page_arg) if page_arg.isdecimal() and len(page_arg) <= 6 else 0
    if page_number < 1:
        problems.append(_("The page must be a number from 1 to 999999."))
        page_number = 1

    stmt = stmt.order_by(Ticket.next_due_at.asc().nulls_last(), Ticket.id.desc())
    page = db.paginate(
        stmt, page=page_number, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False
    )
    departments = db.session.execute(
        select(Department.id, Department.name).order_by(Department.code)
    )
    html = render_template(
        "desk/queue.html",
        page=page,
        countdowns=countdowns(db.session, page.items, utcnow(), float(policy.warn_at_share)),
        tenant=g.tenant,
        statuses=STATUS_LABELS,
        tiers=tiers,
        channels=channels,
        departments=[tuple(row) for row in departments],
        kinds=KIND_LABELS,
        filters={
            "status": status,
            "tier": tier,
            "channel": channel,
            "department": department,
            "breached": breached,
            "escalated": escalated,
            "kind": kind,
            "mine": args.get("mine", ""),
            "due_within": due_within,
            "q": search,
        },
        problems=problems,
    )
    return html, 400 if problems else 200
