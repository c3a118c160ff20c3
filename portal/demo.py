"""Demo data for the embedded default: one tenant per loaded sector, with staff,
departments and a few hundred tickets spread over the lifecycle.

Runs only on an empty database, so ``make run`` twice keeps what you changed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.database import DbSession
from portal.jobs.review import mark_breaches
from portal.models import Department, Tenant, Ticket, User, utcnow
from portal.plugins import SectorRegistry
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.tenants import create_tenant
from portal.users import create_user
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.states import FINISHED, Status

DEMO_PASSWORD = "tousu-demo"
PLATFORM_ADMIN = "platform@tousu.demo"
TICKETS_PER_TENANT = 80
#: Demo tickets are spread over the last weeks, so some are on time and some breached.
DEMO_DAYS = 21

DEPARTMENTS = [
    ("service", "客户服务中心", None),
    ("hotline", "热线组", "service"),
    ("complaints", "投诉处理组", "service"),
    ("operations", "运营部", None),
    ("quality", "质量管理部", None),
]
STAFF = [
    ("admin", "机构管理员", "tenant_admin", None),
    ("supervisor", "值班主管", "supervisor", "complaints"),
    ("agent1", "坐席一", "agent", "hotline"),
    ("agent2", "坐席二", "agent", "complaints"),
]
STATUS_WEIGHTS = {
    Status.NEW: 10,
    Status.ACCEPTED: 8,
    Status.ASSIGNED: 10,
    Status.IN_PROGRESS: 12,
    Status.PENDING_CUSTOMER: 4,
    Status.REPLIED: 8,
    Status.RESOLVED: 10,
    Status.CALLBACK_DONE: 6,
    Status.CLOSED: 24,
    Status.INVALID: 3,
    Status.ESCALATED: 5,
}


def demo_logins(session: DbSession) -> list[tuple[str, str, str]]:
    """(tenant, email, role) of every demo user, for the start-up banner."""
    rows = session.execute(
        select(Tenant.slug, User.email, User.role)
        .join(Tenant, User.tenant_id == Tenant.id, isouter=True)
        .where(User.email.like("%.demo"))
        .order_by(Tenant.slug, User.id)
    )
    return [(slug or "-", email, role) for slug, email, role in rows]


def seed(session: DbSession, registry: SectorRegistry) -> bool:
    """Fill an empty database; return False (and touch nothing) if it has tenants."""
    with tenant_scope(session, ALL_TENANTS):
        if session.scalar(select(Tenant.id).limit(1)) is not None:
            return False
        create_user(
            session,
            email=PLATFORM_ADMIN,
            display_name="平台管理员",
            password=DEMO_PASSWORD,
            role="platform_admin",
            tenant=None,
        )
        rng = random.Random(2026)
        for key in registry.loaded():
            info = registry.get(key).info
            tenant = create_tenant(
                session,
                registry,
                slug=f"demo-{key}",
                name=f"示例{info.name_zh}机构",
                sector=key,
                ticket_prefix=key[:3].upper(),
            )
            with tenant_scope(session, tenant.id):
                _seed_tenant(session, registry, tenant, rng)
        mark_breaches(session, utcnow())
    session.commit()
    return True


def _seed_tenant(
    session: DbSession, registry: SectorRegistry, tenant: Tenant, rng: random.Random
) -> None:
    departments: dict[str, Department] = {}
    for code, name, parent in DEPARTMENTS:
        departments[code] = Department(
            code=code, name=name, parent=departments.get(parent) if parent else None
        )
        session.add(departments[code])
    agents = []
    for local, name, role, dept in STAFF:
        user = create_user(
            session,
            email=f"{local}@{tenant.slug}.demo",
            display_name=name,
            password=DEMO_PASSWORD,
            role=role,
            tenant=tenant,
        )
        user.department = departments[dept] if dept else None
        if role == "agent":
            agents.append(user)

    now = utcnow()
    window_start = now - timedelta(days=DEMO_DAYS)
    bodies = registry.call(
        tenant.sector, "sector_demo_tickets", now=window_start, count=TICKETS_PER_TENANT
    )
    for body in bodies:
        created = window_start + timedelta(minutes=rng.randint(0, DEMO_DAYS * 24 * 60 - 10))
        ticket = open_ticket(
            session, registry, tenant, TicketIn.model_validate(body), now=created, actor=agents[0]
        )
        _advance(ticket, rng, agents, departments["complaints"], now)
    session.flush()


def _advance(
    ticket: Ticket, rng: random.Random, agents: list[User], department: Department, now: datetime
) -> None:
    """Move a demo ticket along the lifecycle, as agents would have by ``now``.

    It sets the states directly, without the actions' events (a demo timeline shows the
    intake only, and a demo ticket set to resolved is never reminded of its callback);
    it never touches classification or deadlines, which came from the real intake.
    """
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    ticket.status = status
    if status == Status.NEW:
        return
    ticket.assignee = rng.choice(agents)
    ticket.department = department
    if status in FINISHED or status in (Status.RESOLVED, Status.CALLBACK_DONE):
        finished = ticket.created_at
        for milestone in ticket.milestones:
            early = timedelta(minutes=rng.randint(-600, 60 * 24))
            milestone.met_at = min(max(milestone.due_at - early, ticket.created_at), now)
            finished = max(finished, milestone.met_at)
        ticket.closed_at = finished if status in FINISHED else None
        ticket.next_due_at = None
