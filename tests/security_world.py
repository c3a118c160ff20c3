"""Two tenants for the security tests: alpha, whose staff attack, and bravo, whose every
row carries a marker string that must never reach alpha."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.api.auth import create_api_key
from portal.extensions import db
from portal.models import (
    AuditEntry,
    Department,
    JobRun,
    Report,
    Tenant,
    TenantCalendarDay,
    Ticket,
    User,
    utcnow,
)
from portal.plugins import sectors
from portal.policy.versions import active_version, save_version
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.perform import perform
from tests.conftest import make_tenant, make_user

MARKER = "BRAVOSECRET"
PHONE = "13912345678"
EMAIL = "bravosecret@example.com"
#: Every string that is bravo's and nobody else's.
SECRETS = (MARKER, PHONE, EMAIL)
ROLES = ("tenant_admin", "supervisor", "agent", "auditor")
REPORT = ("monthly", "2026-10")


@dataclass
class World:
    alpha: Tenant
    bravo: Tenant
    number: str  # bravo's ticket
    policy_number: int  # a policy version only bravo has
    alpha_key: str
    bravo_key: str
    staff: dict[str, User] = field(default_factory=dict)


def bravo_ticket(bravo: Tenant, actor: User, subject: str = f"{MARKER} subject") -> Ticket:
    data = TicketIn(
        kind="complaint",
        channel="phone",
        subject=subject,
        description=f"{MARKER} description",
        customer={"name": f"{MARKER} Name", "phone": PHONE, "email": EMAIL},
        fields={"amount": 10},
    )
    now = utcnow()
    with tenant_scope(db.session, bravo.id):
        ticket = open_ticket(db.session, sectors(), bravo, data, now=now)
        for name, payload in (
            ("accept", {}),
            ("note", {"text": f"{MARKER} internal note"}),
            ("reply", {"message": f"{MARKER} public reply"}),
        ):
            perform(db.session, sectors(), bravo, ticket, name, actor, payload, now=now)
        db.session.commit()
    return ticket


def _fill_bravo(bravo: Tenant, agent: User) -> None:
    with tenant_scope(db.session, bravo.id):
        db.session.add_all(
            [
                Department(code="bravo-care", name=f"{MARKER} care"),
                TenantCalendarDay(day=date(2026, 12, 24), kind="rest", note=f"{MARKER} eve"),
                Report(kind=REPORT[0], period=REPORT[1], figures={"note": MARKER}),
                AuditEntry(
                    tenant_id=bravo.id,
                    action="update",
                    object_type="departments",
                    object_id="1",
                    after={"name": MARKER},
                ),
                JobRun(job="review", slot=f"{MARKER}-{bravo.id}", tenant_id=bravo.id, counts={}),
            ]
        )
        document = active_version(db.session, bravo).document
        save_version(db.session, bravo, document, registry=sectors(), comment=f"{MARKER} v2")
        db.session.commit()


def build_world() -> World:
    alpha = make_tenant("alpha", ticket_prefix="ALPHA")
    bravo = make_tenant("bravo", ticket_prefix="BRAVO", name="Bravo Org")
    staff = {role: make_user(alpha, role) for role in ROLES}
    agent = make_user(bravo, "agent", email="agent@bravo.example.com")
    agent.display_name = f"{MARKER} agent"
    db.session.commit()
    ticket = bravo_ticket(bravo, agent)
    _fill_bravo(bravo, agent)
    alpha_key = create_api_key(db.session, alpha, name="alpha hotline")[1]
    bravo_key = create_api_key(db.session, bravo, name=f"{MARKER} hotline")[1]
    db.session.commit()
    return World(alpha, bravo, ticket.number, 2, alpha_key, bravo_key, staff)


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]
