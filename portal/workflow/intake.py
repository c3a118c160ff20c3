"""Opening a ticket: validate, classify, number, set its deadlines, record it.

The one way tickets come in, so each gets the same checks and the same rules:

* :func:`receive_ticket` for what customers and agents hand in (the API, the customer
  pages, the desk). It applies the repeat-complaint rule (重复投诉, sector-rules.md,
  "Across sectors"): the same customer about the same matter while the earlier ticket
  is open opens nothing and reminds (催办) the earlier ticket's handlers; once the
  earlier ticket is settled, the new ticket is linked to it.
* :func:`open_ticket` always opens a new ticket, exactly as given: the import command
  and the demo, which bring their own history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import ColumnElement, case, or_, select

from portal.database import DbSession
from portal.models import Customer, Event, Milestone, Tenant, Ticket, User
from portal.numbering import next_ticket_number
from portal.plugins import SectorRegistry
from portal.policy.calendars import tenant_calendar
from portal.policy.classify import TicketFacts, classify
from portal.policy.document import Kind as KindName
from portal.policy.document import Locale, validate_fields
from portal.policy.engine import Policy, plan_milestones
from portal.policy.versions import active_policy
from portal.validation import InvalidInput
from portal.workflow.states import Kind, Status

#: How far back earlier complaints of the same customer count as facts, and how far
#: back a settled one is linked to a repeat.
REPEAT_LOOKBACK = timedelta(days=366)
#: The kinds that count as complaints of a customer, for repeats and their count.
COMPLAINT_KINDS = (Kind.COMPLAINT, Kind.APPEAL)
#: Handled, as far as a repeat is concerned: a repeat opens a new, linked ticket.
SETTLED = frozenset({Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED})
PLAUSIBLE_YEARS = (1970, 2200)
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

    @field_validator("occurred_at", "requested_due_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        # Years near 1 or 9999 overflow when converted to UTC; no complaint is that old
        # or waits that long.
        if value is not None and not PLAUSIBLE_YEARS[0] <= value.year <= PLAUSIBLE_YEARS[1]:
            raise ValueError(f"must be between {PLAUSIBLE_YEARS[0]} and {PLAUSIBLE_YEARS[1]}")
        return value


def reasons_locale(tenant: Tenant) -> Locale:
    """The language of a tenant's classification reasons and policy labels."""
    return "zh" if tenant.locale.startswith("zh") else "en"


def check_ticket_in(policy: Policy, data: TicketIn, now: datetime) -> dict[str, str]:
    """What the policy refuses in ``data``, by field; empty when it is acceptable."""
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


def _same_matter(category: str | None) -> ColumnElement[bool]:
    """A complaint about the same matter: the same category, or none for both."""
    return Ticket.kind.in_(COMPLAINT_KINDS) & (
        Ticket.category.is_(None) if category is None else Ticket.category == category
    )


def _prior_complaints(
    session: DbSession, customer: Customer, category: str | None, now: datetime
) -> list[datetime]:
    if customer.id is None:
        return []
    stmt = (
        select(Ticket.created_at)
        .where(
            Ticket.customer_id == customer.id,
            _same_matter(category),
            Ticket.created_at >= now - REPEAT_LOOKBACK,
        )
        .order_by(Ticket.created_at.desc())
        .limit(100)
    )
    return list(session.scalars(stmt))


def ticket_by_number(session: DbSession, tenant: Tenant, number: str) -> Ticket | None:
    """``tenant``'s ticket ``number``; another tenant's is not found, whatever the
    session's scope (the import runs across tenants)."""
    return session.scalar(
        select(Ticket).where(Ticket.tenant_id == tenant.id, Ticket.number == number)
    )


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


def new_ticket_facts(
    registry: SectorRegistry,
    tenant: Tenant,
    data: TicketIn,
    prior: list[datetime],
    now: datetime,
) -> TicketFacts:
    """``ticket_facts`` of a ticket being opened from ``data``."""
    return ticket_facts(
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


@dataclass(frozen=True)
class Received:
    """What became of a ticket handed in to :func:`receive_ticket`."""

    ticket: Ticket
    #: Set when it repeated an open ticket: nothing was opened, ``ticket`` is the open
    #: one and this is the reminder (催办) written on its timeline.
    reminder: Event | None = None


def receive_ticket(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    data: TicketIn,
    *,
    now: datetime,
    actor: User | None = None,
) -> Received:
    """Take in ``data`` for ``tenant`` under the repeat-complaint rule.

    A complaint or appeal from the same customer (phone) about the same matter
    (category) as an earlier complaint or appeal still open opens nothing and consumes
    no number: the earlier ticket gets a reminder. When the earlier one is resolved or
    closed, the new ticket is linked to it. A caller that names ``related_ticket``
    has decided: a new ticket linked to that one opens. Raises InvalidInput like
    :func:`open_ticket`, before anything is written.
    """
    checked = _checked(session, registry, tenant, data, now)
    earlier = None if data.related_ticket else _earlier_case(session, tenant, data, now)
    if earlier is not None and earlier.status not in SETTLED:
        return Received(earlier, _remind(session, earlier, data, actor, now))
    if earlier is not None:
        checked = replace(checked, related=earlier)
    return Received(_create(session, registry, tenant, data, checked, now, actor))


def _earlier_case(
    session: DbSession, tenant: Tenant, data: TicketIn, now: datetime
) -> Ticket | None:
    """The ticket ``data`` repeats: an open one first, else the latest settled one."""
    phone = data.customer.phone
    if data.kind not in COMPLAINT_KINDS or not phone or data.customer.anonymous:
        return None
    settled = Ticket.status.in_(SETTLED)
    return session.scalar(
        select(Ticket)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Ticket.tenant_id == tenant.id,
            Customer.phone == phone,
            Customer.anonymous.is_(False),
            _same_matter(data.category),
            Ticket.status != Status.INVALID,
            or_(~settled, Ticket.created_at >= now - REPEAT_LOOKBACK),
        )
        .order_by(case((settled, 1), else_=0), Ticket.created_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def _remind(
    session: DbSession, ticket: Ticket, data: TicketIn, actor: User | None, now: datetime
) -> Event:
    event = Event(
        type="reminder",
        at=now,
        actor_id=actor.id if actor else None,
        public=False,
        data={"subject": data.subject, "description": data.description, "channel": data.channel},
    )
    ticket.events.append(event)
    ticket.updated_at = now  # API clients syncing by updated_since see the reminder
    session.flush()
    return event


def open_ticket(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    data: TicketIn,
    *,
    now: datetime,
    actor: User | None = None,
) -> Ticket:
    """Create ``data`` as a new ticket of ``tenant`` (the session must be scoped to it),
    whatever tickets came before it.

    Raises InvalidInput listing every problem, before anything is written.
    """
    checked = _checked(session, registry, tenant, data, now)
    return _create(session, registry, tenant, data, checked, now, actor)


@dataclass(frozen=True)
class _Checked:
    """What validating a ticket found out that creating it needs."""

    policy: Policy
    related: Ticket | None


def _checked(
    session: DbSession, registry: SectorRegistry, tenant: Tenant, data: TicketIn, now: datetime
) -> _Checked:
    policy = active_policy(session, registry, tenant)
    problems = check_ticket_in(policy, data, now)
    related = None
    if data.related_ticket:
        related = ticket_by_number(session, tenant, data.related_ticket)
        if related is None:
            problems["related_ticket"] = f"no ticket {data.related_ticket}"
    if problems:
        raise InvalidInput(problems)
    return _Checked(policy, related)


def _create(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    data: TicketIn,
    checked: _Checked,
    now: datetime,
    actor: User | None,
) -> Ticket:
    policy = checked.policy
    customer = _customer(session, data.customer)
    prior = _prior_complaints(session, customer, data.category, now)
    facts = new_ticket_facts(registry, tenant, data, prior, now)
    result = classify(policy.compiled, facts)
    calendar = tenant_calendar(session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date())
    # In the order of Ticket.milestones (due first), so the new ticket reads as a reload.
    planned = sorted(
        (
            m
            for start in ("created", "classified")
            for m in plan_milestones(
                policy.document, result.tier, data.kind, start, now, calendar, data.requested_due_at
            )
        ),
        key=lambda m: m.due_at,
    )
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
        policy_version_id=policy.version_id,
        related_ticket_id=checked.related.id if checked.related else None,
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
                    "policy_version": policy.number,
                    "tier": result.tier,
                    "validity": result.validity,
                    "reasons": list(result.reasons),
                    "related_ticket": checked.related.number if checked.related else None,
                },
            )
        ],
    )
    session.add(ticket)
    session.flush()
    return ticket
