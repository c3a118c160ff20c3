"""Helpers of the job tests: tickets through the real intake and actions, the review
at a frozen time, and counts of what it wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.review import review
from portal.models import Event, OutboxMessage, Tenant, Ticket, User
from portal.plugins import sectors
from portal.policy.versions import activate, active_version, save_version
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.perform import perform


def new_ticket(tenant: Tenant, at: datetime, phone: str = "13700000000", **body: Any) -> Ticket:
    payload = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "电梯故障",
        "customer": {"name": "李先生", "phone": phone},
        **body,
    }
    with tenant_scope(db.session, tenant.id):
        ticket = open_ticket(
            db.session, sectors(), tenant, TicketIn.model_validate(payload), now=at
        )
        db.session.commit()
    return ticket


def act(
    tenant: Tenant, ticket: Ticket, name: str, actor: User, at: datetime, **payload: Any
) -> None:
    with tenant_scope(db.session, tenant.id):
        perform(db.session, sectors(), tenant, ticket, name, actor, payload, now=at)
        db.session.commit()


def review_at(now: datetime) -> dict[str, int]:
    with tenant_scope(db.session, ALL_TENANTS):
        return review(db.session, now)


def set_policy(tenant: Tenant, **changes: Any) -> None:
    with tenant_scope(db.session, tenant.id):
        document = dict(active_version(db.session, tenant).document, **changes)
        version = save_version(db.session, tenant, document, registry=sectors(), comment="test")
        activate(db.session, tenant, version)
        db.session.commit()


def events(kind: str, ticket: Ticket | None = None) -> list[Event]:
    with tenant_scope(db.session, ALL_TENANTS):
        query = select(Event).where(Event.type == kind).order_by(Event.id)
        if ticket is not None:
            query = query.where(Event.ticket_id == ticket.id)
        return list(db.session.scalars(query))


def outbox(kind: str) -> list[OutboxMessage]:
    with tenant_scope(db.session, ALL_TENANTS):
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))


def fresh(ticket: Ticket) -> Ticket:
    with tenant_scope(db.session, ALL_TENANTS):
        db.session.expire_all()
        found = db.session.get(Ticket, ticket.id)
        assert found is not None
        return found


def count(model: Any, *where: Any) -> int:
    with tenant_scope(db.session, ALL_TENANTS):
        return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
