"""What the JSON API remembers between requests: the idempotency keys of creations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow
from portal.tenancy import TenantScoped


class IdempotencyKey(TenantScoped, Base):
    """A client's ``Idempotency-Key`` and the ticket its first request created.

    The unique (tenant, key) pair is what makes a retry safe even when two copies of a
    request race: the second insert fails and that request answers with the first's
    ticket. ``request_hash`` tells a true retry from a different request reusing a key.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
