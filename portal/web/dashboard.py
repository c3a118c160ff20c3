"""The supervisors' dashboard: open tickets by tier, at risk, breached today, escalations.

Every figure is one aggregate statement over the tenant's rows (the session is bound
to the tenant), never a loop over tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, g, render_template
from sqlalchemy import func, literal, select

from portal.auth import roles_required
from portal.database import DbSession
from portal.extensions import db
from portal.jobs.review import epoch_seconds
from portal.models import Event, Milestone, Role, Tenant, Ticket, utcnow
from portal.models.base import UTCDateTime
from portal.plugins import sectors
from portal.policy.engine import policy_of
from portal.policy.versions import active_version
from portal.web.desk import page_language
from portal.workflow.actions import OPEN
from portal.workflow.states import STATUS_LABELS

bp = Blueprint("dashboard", __name__, url_prefix="/desk/dashboard")

#: How many escalated tickets the dashboard lists.
ESCALATED_SHOWN = 10


@dataclass(frozen=True)
class Figures:
    open_by_tier: dict[str | None, int]
    at_risk: int
    breached_today: int
    escalated_open: int
    escalations_today: int
    escalated: list[Ticket]


def local_day(tenant: Tenant, now: datetime) -> tuple[datetime, datetime]:
    """The tenant's current calendar day, as a UTC interval [start, end)."""
    zone = ZoneInfo(tenant.timezone)
    start = datetime.combine(now.astimezone(zone).date(), time.min, zone)
    return start, datetime.combine(start.date() + timedelta(days=1), time.min, zone)


def figures(session: DbSession, tenant: Tenant, now: datetime, share: float) -> Figures:
    is_open = Ticket.status.in_(list(OPEN))
    day_start, day_end = local_day(tenant, now)
    by_tier = session.execute(
        select(Ticket.tier, func.count()).where(is_open).group_by(Ticket.tier)
    )
    # Past ``share`` of its span and not yet due: the rule of the countdown badges.
    risky_from = (1 - share) * epoch_seconds(Milestone.started_at) + share * epoch_seconds(
        Milestone.due_at
    )
    at_risk = select(func.count(func.distinct(Milestone.ticket_id))).where(
        Milestone.ticket_id == Ticket.id,
        is_open,
        Ticket.breached.is_(False),
        Milestone.met_at.is_(None),
        Milestone.cancelled_at.is_(None),
        Milestone.breached_at.is_(None),  # what the running milestones' index holds
        Milestone.paused_at.is_(None),
        Milestone.due_at > now,
        risky_from <= epoch_seconds(literal(now, UTCDateTime())),
    )
    breached_today = select(func.count(func.distinct(Milestone.ticket_id))).where(
        Milestone.breached_at >= day_start, Milestone.breached_at < day_end
    )
    escalated = Ticket.escalation_level > 0
    escalations_today = select(func.count()).where(
        Event.type == "escalate", Event.at >= day_start, Event.at < day_end
    )
    return Figures(
        open_by_tier={tier: count for tier, count in by_tier},
        at_risk=session.scalar(at_risk) or 0,
        breached_today=session.scalar(breached_today) or 0,
        escalated_open=session.scalar(select(func.count()).where(is_open, escalated)) or 0,
        escalations_today=session.scalar(escalations_today) or 0,
        escalated=list(
            session.scalars(
                select(Ticket)
                .where(is_open, escalated)
                .order_by(Ticket.next_due_at.asc().nulls_last(), Ticket.id)
                .limit(ESCALATED_SHOWN)
            )
        ),
    )


@bp.route("/")
@roles_required(Role.SUPERVISOR, Role.TENANT_ADMIN)
def index() -> Any:
    policy = policy_of(sectors(), active_version(db.session, g.tenant)).document
    language = page_language()
    return render_template(
        "desk/dashboard.html",
        figures=figures(db.session, g.tenant, utcnow(), float(policy.warn_at_share)),
        tiers={t.key: t.label.text(language) for t in policy.tiers},
        statuses=STATUS_LABELS,
    )
