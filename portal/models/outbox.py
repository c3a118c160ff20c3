"""The outbox: notifications written with the change that causes them, sent later."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.tenants import Tenant
from portal.models.tickets import Event, Ticket
from portal.tenancy import TenantScoped


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    # Gave up after the last attempt; kept, with its error, for someone to look at.
    FAILED = "failed"


class OutboxMessage(TenantScoped, Base):
    """One message to one recipient. Rows are queued in the transaction of the change
    (an action's event, a breach the review marked) and delivered by the outbox job, so
    a rolled-back change sends nothing and a committed one is never forgotten.

    The two unique constraints make queuing idempotent: each binds only the rows whose
    columns are all set (NULLs never collide), i.e. notices of an event, and notices
    of a milestone at one moment (a restarted milestone may breach again later).
    """

    __tablename__ = "outbox"
    tenant_id_key = False
    # Only the delivery job reads the outbox, by status; an index of tenants would be
    # written for every notice and read only by a tenant's export (bench B2, 0015).
    tenant_id_index = False
    __table_args__ = (
        UniqueConstraint("event_id", "recipient"),
        UniqueConstraint("milestone_id", "kind", "occurred_at", "recipient"),
        # The delivery job's scan: due queued rows, oldest first.
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(31))
    # The ticket is the one foreign key: a message goes with its ticket (and the ticket
    # with its tenant), and carries what it is written from (recipient, language, the
    # milestone's name and due time; a re-tier may delete the milestone). Each further
    # key cost a lookup and a row lock per message queued (bench B2, 0012).
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event_id: Mapped[int | None]
    milestone_id: Mapped[int | None]
    milestone: Mapped[str | None] = mapped_column(String(63))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The staff recipient; None for a customer, who is known only by address.
    user_id: Mapped[int | None]
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(15))
    status: Mapped[str] = mapped_column(String(15), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tenant: Mapped[Tenant] = relationship(
        primaryjoin=lambda: foreign(OutboxMessage.tenant_id) == Tenant.id
    )
    ticket: Mapped[Ticket] = relationship()
    event: Mapped[Event | None] = relationship(
        primaryjoin=lambda: foreign(OutboxMessage.event_id) == Event.id
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
