"""Opening a ticket: validate, classify, number, set its deadlines, record it.

The one way tickets come in: the API, the customer page, the import command and the
demo all call :func:`open_ticket`, so each gets the same checks and the same rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select

from portal.database import DbSession
from portal.models import Customer, Event, Milestone, Tenant, Ticket, User
from portal.numbering import next_ticket_number
from portal.plugins import SectorRegistry
from portal.policy.calendars import tenant_calendar
from portal.policy.classify import TicketFacts, classify
from portal.policy.document import Kind as KindName
from portal.policy.document import Locale, validate_fields
from portal.policy.engine import Policy, plan_milestones, policy_of
from portal.policy.versions import active_version
from portal.validation import InvalidInput
from portal.workflow.states import Kind, Status

#: How far back earlier complaints of the same customer count as facts.
REPEAT_LOOKBACK = timedelta(days=366)
#: Clocks disagree: an incident "in the future" by less than this is accepted.
CLOCK_SKEW = timedelta(minutes=5)


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9][0-9 ()-]{2,31}$")
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    anonymous: bool = False


class TicketIn(BaseModel):
    """A new ticket, as the API, the forms and the importer hand it in."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: KindName  # plain text, as criteria compare it
    channel: str = Field(min_length=1, max_length=63)
    subject: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=20000)
    customer: CustomerIn = Field(default_factory=CustomerIn)
    category: str | None = Field(None, max_length=63)
    fields: dict[str, Any] = {}
    occurred_at: AwareDatetime | None = None
    requested_due_at: AwareDatetime | None = None
    related_ticket: str | None = Field(None, max_length=32)


def reasons_locale(tenant: Tenant) -> Locale:
    """The language of a tenant's classification reasons and policy labels."""
    return "zh" if tenant.locale.startswith("zh") else "en"


def _check(policy: Policy, data: TicketIn, now: datetime) -> dict[str, str]:
    doc = policy.document
    problems = {f"fields.{k}": v for k, v in validate_fields(data.fields, doc.fields).items()}
    if data.kind not in doc.kinds:
        problems["kind"] = f"one of {', '.join(doc.kinds)}"
    if doc.channels and data.channel not in {c.key for c in doc.channels}:
        problems["channel"] = f"one of {', '.join(c.key for c in doc.channels)}"
    if data.category is not None and data.category not in {c.key for c in doc.categories}:
        problems["category"] = f"one of {', '.join(c.key for c in doc.categories)}"
    if data.occurred_at is not None and data.occurred_at > now + CLOCK_SKEW:
        problems["occurred_at"] = "is in the future"
    if data.requested_due_at is not None and data.requested_due_at <= now:
        problems["requested_due_at"] = "must be in the future"
    return problems


def _customer(session: DbSession, data: CustomerIn) -> Customer:
    if data.phone and not data.anonymous:
        known = session.scalar(select(Customer).where(Customer.phone == data.phone).limit(1))
        if known is not None:
            return known
    customer = Customer(
        name=data.name, phone=data.phone, email=data.email, anonymous=data.anonymous
    )
    session.add(customer)
    return customer


def _prior_complaints(
    session: DbSession, customer: Customer, category: str | None, now: datetime
) -> list[datetime]:
    if customer.id is None:
        return []
    stmt = (
        select(Ticket.created_at)
        .where(
            Ticket.customer_id == customer.id,
            Ticket.kind.in_([Kind.COMPLAINT, Kind.APPEAL]),
            Ticket.created_at >= now - REPEAT_LOOKBACK,
        )
        .order_by(Ticket.created_at.desc())
        .limit(100)
    )
    stmt = stmt.where(
        Ticket.category.is_(None) if category is None else Ticket.category == category
    )
    return list(session.scalars(stmt))


def ticket_facts(
    registry: SectorRegistry,
    tenant: Tenant,
    *,
    kind: str,
    channel: str,
    category: str | None,
    fields: dict[str, Any],
    anonymous: bool,
    has_contact: bool,
    occurred_at: datetime | None,
    prior: list[datetime],
    now: datetime,
) -> TicketFacts:
    """What the criteria see of a ticket, the sector's derived facts included."""
    derived = registry.call(
        tenant.sector,
        "sector_derived_facts",
        fields=fields,
        kind=str(kind),
        occurred_at=occurred_at,
        now=now,
        timezone=tenant.timezone,
    )
    zone = ZoneInfo(tenant.timezone)
    return TicketFacts(
        kind=str(kind),  # a stored ticket's kind may be a Kind member
        channel=channel,
        category=category,
        fields={**fields, **derived},
        customer_anonymous=anonymous,
        has_contact=has_contact,
        occurred_at=occurred_at.astimezone(zone) if occurred_at else None,
        now=now,
        prior_complaints=prior,
        locale=reasons_locale(tenant),
    )


def open_ticket(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    data: TicketIn,
    *,
    now: datetime,
    actor: User | None = None,
) -> Ticket:
    """Create ``data`` as a new ticket of ``tenant`` (the session must be scoped to it).

    Raises InvalidInput listing every problem, before anything is written.
    """
    version = active_version(session, tenant)
    policy = policy_of(registry, version)
    problems = _check(policy, data, now)
    related_id = None
    if data.related_ticket:
        related_id = session.scalar(select(Ticket.id).where(Ticket.number == data.related_ticket))
        if related_id is None:
            problems["related_ticket"] = f"no ticket {data.related_ticket}"
    if problems:
        raise InvalidInput(problems)

    customer = _customer(session, data.customer)
    prior = _prior_complaints(session, customer, data.category, now)
    facts = ticket_facts(
        registry,
        tenant,
        kind=data.kind,
        channel=data.channel,
        category=data.category,
        fields=data.fields,
        anonymous=data.customer.anonymous,
        has_contact=bool(data.customer.phone or data.customer.email),
        occurred_at=data.occurred_at,
        prior=prior,
        now=now,
    )
    result = classify(policy.compiled, facts)
    calendar = tenant_calendar(session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date())
    planned = [
        m
        for start in ("created", "classified")
        for m in plan_milestones(
            policy.document, result.tier, data.kind, start, now, calendar, data.requested_due_at
        )
    ]
    ticket = Ticket(
        number=next_ticket_number(session, tenant, now),
        kind=data.kind,
        status=Status.NEW,
        channel=data.channel,
        channel_level=result.channel_level,
        validity=result.validity,
        validity_reasons=list(result.validity_reasons),
        tier=result.tier,
        category=data.category,
        score=result.score,
        classification_reasons=list(result.reasons),
        subject=data.subject,
        description=data.description,
        fields=data.fields,
        customer=customer,
        first_responder_id=actor.id if actor else None,
        policy_version_id=version.id,
        related_ticket_id=related_id,
        occurred_at=data.occurred_at,
        requested_due_at=data.requested_due_at,
        next_due_at=min((m.due_at for m in planned), default=None),
        created_at=now,
        updated_at=now,
        milestones=[
            Milestone(
                name=m.name,
                started_at=m.started_at,
                due_at=m.due_at,
                provisional=m.provisional,
                rule=m.rule,
            )
            for m in planned
        ],
        events=[
            Event(
                type="created",
                at=now,
                actor_id=actor.id if actor else None,
                data={
                    "channel": data.channel,
                    "policy_version": version.number,
                    "tier": result.tier,
                    "validity": result.validity,
                    "reasons": list(result.reasons),
                },
            )
        ],
    )
    session.add(ticket)
    session.flush()
    return ticket
