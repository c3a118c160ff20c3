"""Tickets as the API shows them: times in the tenant's zone, people by email."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from portal.api.schemas import (
    Classification,
    CustomerOut,
    EventOut,
    MilestoneOut,
    TicketDetail,
    TicketOut,
)
from portal.models import Event, Milestone, Ticket
from portal.workflow.states import Kind, Status


class Renderer:
    """Renders a tenant's tickets; the caller loads what it needs in bulk beforehand
    (milestones, customer, department, assignee, and events for the detail)."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def time(self, value: datetime | None) -> datetime | None:
        return value.astimezone(self.zone) if value is not None else None

    def _milestone(self, m: Milestone) -> MilestoneOut:
        return MilestoneOut(
            name=m.name,
            started_at=m.started_at.astimezone(self.zone),
            due_at=m.due_at.astimezone(self.zone),
            met_at=self.time(m.met_at),
            breached=m.breached,
            provisional=m.provisional,
            paused_at=self.time(m.paused_at),
            cancelled_at=self.time(m.cancelled_at),
        )

    def _event(self, e: Event) -> EventOut:
        return EventOut(
            type=e.type,
            at=e.at.astimezone(self.zone),
            actor=e.actor.email if e.actor else None,
            data=e.data,
            public=e.public,
        )

    def _fields(self, t: Ticket, policy_version: int | None, related: str | None) -> dict[str, Any]:
        customer = t.customer
        return {
            "number": t.number,
            "status": Status(t.status),
            "kind": Kind(t.kind),
            "policy_version": policy_version,
            "classification": Classification(
                validity=t.validity,
                validity_reasons=list(t.validity_reasons),
                channel_level=t.channel_level,
                tier=t.tier,
                score=t.score,
                reasons=list(t.classification_reasons),
            ),
            "milestones": [self._milestone(m) for m in t.milestones],
            "channel": t.channel,
            "category": t.category,
            "subject": t.subject,
            "description": t.description,
            # The client is the tenant's own system: it gets the contact as given.
            "customer": CustomerOut(
                name=customer.name,
                phone=customer.phone,
                email=customer.email,
                anonymous=customer.anonymous,
            )
            if customer
            else None,
            "fields": t.fields,
            "department": t.department.code if t.department else None,
            "assignee": t.assignee.email if t.assignee else None,
            "escalation_level": t.escalation_level,
            "breached": t.breached,
            "next_due_at": self.time(t.next_due_at),
            "occurred_at": self.time(t.occurred_at),
            "requested_due_at": self.time(t.requested_due_at),
            "related_ticket": related,
            "created_at": t.created_at.astimezone(self.zone),
            "updated_at": t.updated_at.astimezone(self.zone),
            "closed_at": self.time(t.closed_at),
            "version": t.version,
        }

    def ticket(self, t: Ticket, policy_version: int | None, related: str | None) -> TicketOut:
        return TicketOut(**self._fields(t, policy_version, related))

    def detail(self, t: Ticket, policy_version: int | None, related: str | None) -> TicketDetail:
        return TicketDetail(
            **self._fields(t, policy_version, related),
            events=[self._event(e) for e in t.events],
        )
