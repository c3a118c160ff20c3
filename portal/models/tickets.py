"""Customers, tickets, their milestones (deadlines) and their timeline events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, ImmutableRowError, JSONDocument, UTCDateTime, utcnow
from portal.models.tenants import Department
from portal.models.users import User
from portal.tenancy import TenantScoped


class Customer(TenantScoped, Base):
    """A complainant, as far as the tenant knows them."""

    __tablename__ = "customers"
    __table_args__ = (Index(None, "tenant_id", "phone"),)
    tenant_id_index = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    anonymous: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: The columns the desk queue filters on.
QUEUE_FILTERS = [
    "status",
    "tier",
    "breached",
    "kind",
    "channel",
    "department_id",
    "escalation_level",
    "assignee_id",
]


class Ticket(TenantScoped, Base):
    """One case (工单). ``kind`` says whether it is a complaint, an inquiry, ...

    The classification columns (validity, channel level, tier, score, reasons) are
    written by the policy engine under ``policy_version_id`` and kept as they were
    decided, so a later policy change never rewrites history silently.
    """

    __tablename__ = "tickets"
    tenant_id_index = False
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        # The desk queue: a tenant's tickets, nearest due first, with every column it
        # filters on carried in the index, so a page and the count of matches are read
        # from the index alone. One covering index instead of one per filter: each
        # index is written again whenever a ticket changes (bench B2, 0011).
        Index(
            None,
            "tenant_id",
            "next_due_at",
            "id",
            postgresql_include=QUEUE_FILTERS,
        ),
        Index(None, "tenant_id", "created_at"),
        Index(None, "tenant_id", "customer_id"),
        Index(None, "tenant_id", "assignee_id", "status"),
        # The members of a batch complaint; most tickets belong to none.
        Index(
            None,
            "batch_id",
            postgresql_where=text("batch_id IS NOT NULL"),
            sqlite_where=text("batch_id IS NOT NULL"),
        ),
        # The callback reminders the review has still to send; most tickets wait for none.
        Index(
            None,
            "callback_due_at",
            postgresql_where=text("callback_due_at IS NOT NULL"),
            sqlite_where=text("callback_due_at IS NOT NULL"),
        ),
        # The desk's search for words of the text (Chinese too: trigrams are made of
        # characters) with ILIKE. SQLite has no trigram index: there it is an empty
        # partial index, so both databases keep one schema and one set of migrations.
        Index(
            "ix_tickets_text_trgm",
            "subject",
            "description",
            postgresql_using="gin",
            postgresql_ops={"subject": "gin_trgm_ops", "description": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(31))
    status: Mapped[str] = mapped_column(String(31))
    channel: Mapped[str] = mapped_column(String(63))
    channel_level: Mapped[str | None] = mapped_column(String(63))
    validity: Mapped[str] = mapped_column(String(15), default="valid")
    validity_reasons: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    tier: Mapped[str | None] = mapped_column(String(63))
    category: Mapped[str | None] = mapped_column(String(63))
    score: Mapped[float | None]
    classification_reasons: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 首问负责: whoever first took the complaint stays accountable on the ticket.
    first_responder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    related_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    # A batch complaint's group (批量投诉), set by the periodic review.
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_batches.id", ondelete="SET NULL")
    )
    # Denormalised from the milestones so the queue filters and sorts on one table.
    breached: Mapped[bool] = mapped_column(default=False)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the callback reminder falls due: set when the ticket is resolved under a policy
    #: with a callback, cleared once the review has reminded or the ticket moves on. The
    #: review finds what is due through a small index instead of reading the timeline of
    #: every resolved ticket (bench B2).
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: a second writer working from a stale copy gets StaleDataError.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer | None] = relationship()
    department: Mapped[Department | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    first_responder: Mapped[User | None] = relationship(foreign_keys=[first_responder_id])
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="ticket", order_by="Milestone.due_at", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="ticket", order_by="(Event.at, Event.id)", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status}>"


#: A milestone still counting: the review's partial index holds only these.
RUNNING = "met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"


class Milestone(TenantScoped, Base):
    """One deadline of a ticket (时限): first response, reply, resolve, callback, ..."""

    __tablename__ = "milestones"
    tenant_id_index = False
    tenant_id_key = False
    __table_args__ = (
        UniqueConstraint("ticket_id", "name"),
        # The periodic review and the dashboard look for running milestones by due
        # time: few of all milestones, so a partial index.
        Index(
            "ix_milestones_running_due_at",
            "due_at",
            postgresql_where=text(RUNNING),
            sqlite_where=text(RUNNING),
        ),
        # Reports: a tenant's milestones due, or breached, in a period (bench B3, 0008);
        # a milestone is written unbreached, and only a breach adds it to the second.
        Index(None, "tenant_id", "due_at"),
        Index(
            None,
            "tenant_id",
            "breached_at",
            postgresql_where=text("breached_at IS NOT NULL"),
            sqlite_where=text("breached_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(63))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Finished pauses as [[from, to], ...] in ISO form; the due time is recomputed from
    # the rule and these, so pausing is exact in every unit.
    pauses: Mapped[list[list[str]]] = mapped_column(JSONDocument, default=list)
    # The ticket ended (closed, invalid) before this milestone was met: it no longer runs.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Computed on a calendar whose year is not officially published yet.
    provisional: Mapped[bool] = mapped_column(default=False)
    # The rule it was computed from ({"amount", "unit", "default", "pausable"}), kept so
    # it can be recomputed (a calendar import, an extension) without the policy.
    rule: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="milestones")

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class Event(TenantScoped, Base):
    """One entry of a ticket's timeline. Append-only: rows are never updated."""

    __tablename__ = "events"
    tenant_id_index = False
    tenant_id_key = False
    __table_args__ = (
        # A ticket's timeline, and its latest event of a type (the review's callback
        # and auto-close steps read it from the index alone, bench B2, 0010).
        Index(None, "ticket_id", "type", "at"),
        # Reports: a tenant's escalations, reminders, callbacks of a period (bench B3, 0008).
        Index(None, "tenant_id", "type", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    type: Mapped[str] = mapped_column(String(63))
    # Shown to the customer on the tracking page (replies), or internal only.
    public: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TicketCounter(TenantScoped, Base):
    """The last serial handed out per tenant and month, bumped atomically."""

    __tablename__ = "ticket_counters"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(6), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@event.listens_for(Event, "before_update")
def _refuse_event_update(mapper: Any, connection: Any, target: Event) -> None:
    raise ImmutableRowError("timeline events are append-only")
