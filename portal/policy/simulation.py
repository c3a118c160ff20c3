"""What a policy would do to existing tickets: simulate a draft, or apply a version.

Both walk the same tickets (open ones, and those created in the last ``days``) and
replan them with the same code; :func:`simulate` only reports, :func:`apply_policy`
writes. Tickets are reclassified as of their creation, so a rule like "occurred more
than 5 months ago" judges them as it would have then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.database import DbSession
from portal.models import Customer, Event, Milestone, PolicyVersion, Tenant, Ticket
from portal.plugins import SectorRegistry
from portal.policy.calendars import tenant_calendar
from portal.policy.classify import Classification, classify
from portal.policy.engine import Policy, due_from_rule, milestone_rules, policy_of, rule_of
from portal.policy.recompute import refresh_next_due
from portal.workflow.intake import REPEAT_LOOKBACK, ticket_facts
from portal.workflow.states import FINISHED, Kind

AUTOMATIC_STARTS = ("created", "classified")


@dataclass(frozen=True)
class PlannedDue:
    name: str
    started_at: datetime
    due_at: datetime
    provisional: bool
    rule: dict[str, object]


@dataclass(frozen=True)
class TicketChange:
    """How one ticket would change: its tier and its unmet milestones' due times."""

    number: str
    tier_before: str | None
    tier_after: str
    due_before: dict[str, datetime]
    due_after: dict[str, datetime]
    breached_now: list[str]


@dataclass(frozen=True)
class Simulation:
    examined: int
    changes: list[TicketChange] = field(default_factory=list)

    @property
    def tier_changes(self) -> int:
        return sum(c.tier_before != c.tier_after for c in self.changes)

    @property
    def due_changes(self) -> int:
        return sum(c.due_before != c.due_after for c in self.changes)

    @property
    def would_breach(self) -> list[str]:
        return [c.number for c in self.changes if c.breached_now]


def _tickets(session: DbSession, now: datetime, days: int) -> list[Ticket]:
    stmt = (
        select(Ticket)
        .where(
            or_(
                Ticket.status.not_in(list(FINISHED)),
                Ticket.created_at >= now - timedelta(days=days),
            )
        )
        .options(selectinload(Ticket.milestones), selectinload(Ticket.customer))
        .order_by(Ticket.id)
    )
    return list(session.scalars(stmt))


def _earlier_complaints(session: DbSession, tickets: list[Ticket]) -> dict[tuple, list[datetime]]:
    """Complaint times per (customer, category), in one query for all tickets."""
    customers = {t.customer_id for t in tickets if t.customer_id is not None}
    times: dict[tuple, list[datetime]] = defaultdict(list)
    if not customers:
        return times
    rows = session.execute(
        select(Ticket.customer_id, Ticket.category, Ticket.created_at).where(
            Ticket.customer_id.in_(customers), Ticket.kind.in_([Kind.COMPLAINT, Kind.APPEAL])
        )
    )
    for customer_id, category, created_at in rows:
        times[(customer_id, category)].append(created_at)
    return times


def _classify(
    registry: SectorRegistry,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    earlier: dict[tuple, list[datetime]],
) -> Classification:
    customer: Customer | None = ticket.customer
    prior = [
        at
        for at in earlier.get((ticket.customer_id, ticket.category), [])
        if ticket.created_at - REPEAT_LOOKBACK <= at < ticket.created_at
    ]
    facts = ticket_facts(
        registry,
        tenant,
        kind=ticket.kind,
        channel=ticket.channel,
        category=ticket.category,
        fields=ticket.fields,
        anonymous=bool(customer and customer.anonymous),
        has_contact=bool(customer and (customer.phone or customer.email)),
        occurred_at=ticket.occurred_at,
        prior=prior,
        now=ticket.created_at,
    )
    return classify(policy.compiled, facts)


def replan(
    session: DbSession, tenant: Tenant, policy: Policy, ticket: Ticket, tier: str
) -> list[PlannedDue]:
    """Unmet milestones the tier sets, each from the time its start event happened."""
    zone = ZoneInfo(tenant.timezone)
    met = {m.name for m in ticket.milestones if m.met_at is not None}
    started = {m.name: m.started_at for m in ticket.milestones}
    planned = []
    for rule in milestone_rules(policy.document, tier, ticket.kind):
        if rule.name in met:
            continue
        start = started.get(rule.name)
        if start is None and rule.start in AUTOMATIC_STARTS:
            start = ticket.created_at
        if start is None:
            continue  # its start event has not happened yet
        stored = rule_of(rule, policy.document.requested_deadline_may_lengthen)
        calendar = tenant_calendar(session, tenant, start.astimezone(zone).date())
        due_at, provisional = due_from_rule(
            stored, start, calendar, requested_due_at=ticket.requested_due_at
        )
        planned.append(PlannedDue(rule.name, start, due_at, provisional, stored))
    return planned


def write_plan(ticket: Ticket, planned: list[PlannedDue], now: datetime) -> None:
    """Make the ticket's unmet milestones those of ``planned``."""
    by_name = {m.name: m for m in ticket.milestones}
    for p in planned:
        existing = by_name.pop(p.name, None)
        if existing is None:
            ticket.milestones.append(
                Milestone(
                    name=p.name,
                    started_at=p.started_at,
                    due_at=p.due_at,
                    provisional=p.provisional,
                    rule=p.rule,
                )
            )
        else:
            existing.due_at, existing.provisional, existing.rule = (
                p.due_at,
                p.provisional,
                p.rule,
            )
            existing.breached_at = existing.breached_at if p.due_at <= now else None
    for leftover in by_name.values():
        if leftover.met_at is None:
            ticket.milestones.remove(leftover)
    ticket.breached = any(m.breached_at is not None for m in ticket.milestones)


def _changes(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    policy: Policy,
    now: datetime,
    days: int,
) -> tuple[int, list[tuple[Ticket, Classification, list[PlannedDue], TicketChange]]]:
    tickets = _tickets(session, now, days)
    earlier = _earlier_complaints(session, tickets)
    found = []
    for ticket in tickets:
        result = _classify(registry, tenant, policy, ticket, earlier)
        planned = replan(session, tenant, policy, ticket, result.tier)
        before = {m.name: m.due_at for m in ticket.milestones if m.met_at is None}
        after = {p.name: p.due_at for p in planned}
        if result.tier == ticket.tier and before == after:
            continue
        breached = sorted(p.name for p in planned if p.due_at <= now)
        change = TicketChange(ticket.number, ticket.tier, result.tier, before, after, breached)
        found.append((ticket, result, planned, change))
    return len(tickets), found


def simulate(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    policy: Policy,
    *,
    now: datetime,
    days: int = 30,
) -> Simulation:
    """How ``policy`` would change the tenant's open and recent tickets. Writes nothing."""
    examined, found = _changes(session, registry, tenant, policy, now, days)
    return Simulation(examined, [change for *_, change in found])


def apply_policy(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    version: PolicyVersion,
    *,
    now: datetime,
    actor_id: int | None = None,
    days: int = 0,
) -> Simulation:
    """Reclassify and replan the tenant's open tickets under ``version``.

    An explicit admin action, never a side effect of activating a version: it writes
    one ``policy_applied`` event per changed ticket and reports what changed.
    """
    policy = policy_of(registry, version)
    examined, found = _changes(session, registry, tenant, policy, now, days)
    for ticket, result, planned, change in found:
        ticket.tier = result.tier
        ticket.score = result.score
        ticket.channel_level = result.channel_level
        ticket.classification_reasons = list(result.reasons)
        ticket.policy_version_id = version.id
        write_plan(ticket, planned, now)
        ticket.events.append(
            Event(
                type="policy_applied",
                at=now,
                actor_id=actor_id,
                data={
                    "policy_version": version.number,
                    "tier": [change.tier_before, change.tier_after],
                    "due": {
                        name: [
                            before.isoformat() if (before := change.due_before.get(name)) else None,
                            after.isoformat() if (after := change.due_after.get(name)) else None,
                        ]
                        for name in sorted(set(change.due_before) | set(change.due_after))
                    },
                },
            )
        )
    session.flush()
    refresh_next_due(session, {ticket.id for ticket, *_ in found})
    return Simulation(examined, [change for *_, change in found])
