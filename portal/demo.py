"""Demo data for the embedded default: one tenant per loaded sector, with staff,
departments and a few hundred tickets spread over the lifecycle.

Runs only on an empty database, so ``make run`` twice keeps what you changed.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from portal.database import DbSession
from portal.jobs.review import mark_breaches
from portal.models import (
    Customer,
    Department,
    Event,
    Milestone,
    PolicyVersion,
    Tenant,
    Ticket,
    User,
    utcnow,
)
from portal.numbering import next_ticket_number
from portal.plugins import SectorRegistry
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.tenants import create_tenant
from portal.users import create_user
from portal.workflow.states import FINISHED, Kind, Status

DEMO_PASSWORD = "tousu-demo"
PLATFORM_ADMIN = "platform@tousu.demo"
TICKETS_PER_TENANT = 80

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
CHANNELS = ["phone", "web", "store", "email", "app", "letter", "media", "regulator"]
SUBJECTS = ["话费/账单有误", "服务态度差", "承诺未兑现", "维修超时", "退款未到账", "设施损坏"]
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
                _seed_tenant(session, tenant, rng)
        mark_breaches(session, utcnow())
    session.commit()
    return True


def _seed_tenant(session: DbSession, tenant: Tenant, rng: random.Random) -> None:
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

    policy = session.get(PolicyVersion, tenant.active_policy_version_id)
    assert policy is not None
    tiers = [t["key"] for t in policy.document.get("tiers", [])] or [None]
    now = utcnow()
    for i in range(TICKETS_PER_TENANT):
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        # Open tickets are recent, so the queue shows a mix of on-time, due and breached.
        max_age_days = 45 if status in FINISHED else 12
        created = now - timedelta(minutes=rng.randint(10, 60 * 24 * max_age_days))
        customer = Customer(name=f"客户{i:03d}", phone=f"1{rng.randint(3000000000, 9999999999)}")
        agent = rng.choice(agents)
        ticket = Ticket(
            number=next_ticket_number(session, tenant, created),
            kind=rng.choice([Kind.COMPLAINT] * 4 + [Kind.CONSULTATION, Kind.INQUIRY]),
            status=status,
            channel=rng.choice(CHANNELS),
            tier=rng.choice(tiers),
            subject=rng.choice(SUBJECTS),
            description="演示数据",
            customer=customer,
            department=departments["complaints"],
            assignee=None if status == Status.NEW else agent,
            first_responder=agent,
            policy_version_id=policy.id,
            created_at=created,
            updated_at=created,
            closed_at=created + timedelta(days=5) if status in FINISHED else None,
        )
        # Placeholder deadlines until the policy engine computes them: reply in 2
        # days, resolve in 10, met for tickets already past that step.
        for name, days in (("reply", 2), ("resolve", 10)):
            due = created + timedelta(days=days)
            done = status in FINISHED or status in (Status.RESOLVED, Status.CALLBACK_DONE)
            met = min(due - timedelta(hours=rng.randint(-12, 30)), now) if done else None
            ticket.milestones.append(
                Milestone(name=name, started_at=created, due_at=due, met_at=met)
            )
        open_dues = [m.due_at for m in ticket.milestones if m.met_at is None]
        ticket.next_due_at = min(open_dues) if open_dues else None
        ticket.events.append(Event(type="created", at=created, data={"channel": ticket.channel}))
        session.add(ticket)
    session.flush()
