"""Batch complaints (批量投诉): many customers, one matter, grouped by the review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow
from portal.tenancy import TenantScoped


class TicketBatch(TenantScoped, Base):
    """Complaints with equal values of the policy's batch fields (``key``), received
    within the policy's window of one another.

    ``first_at`` is the receipt time of the earliest member: two reviews that find the
    same group at once insert the same (tenant, key, first_at) and the second yields.
    ``announced_at`` is set in the transaction that writes the batch's one event, so
    supervisors hear of a batch once however often the review runs.
    """

    __tablename__ = "ticket_batches"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "first_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
