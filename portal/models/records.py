"""Reports, job runs and the audit log: what the system did and who changed what."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, JSONDocument, UTCDateTime, utcnow
from portal.tenancy import TenantScoped

if TYPE_CHECKING:
    from portal.models.users import User


class Report(TenantScoped, Base):
    """A built report: its kind (daily, ..., quarterly), its period and its figures."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(31))
    period: Mapped[str] = mapped_column(String(31))
    figures: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRun(Base):
    """One run of a scheduled job; ``slot`` names the due time it ran for.

    The unique (job, slot) pair is the ledger that keeps two schedulers from running
    the same slot twice. Platform-wide jobs have no tenant, so this table sits outside
    the automatic tenant scope; views filter it by ``tenant_id`` explicitly.
    """

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        Index(None, "tenant_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(63))
    slot: Mapped[str] = mapped_column(String(63))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One admin change: who, when, what, and the row before and after.

    Platform admins change rows of no tenant, so ``tenant_id`` is optional and the
    table is filtered explicitly, like job runs.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index(None, "tenant_id", "at"),
        # The login throttle counts the recent failures of one account or address.
        Index(None, "object_type", "object_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(31))
    object_type: Mapped[str] = mapped_column(String(63))
    object_id: Mapped[str] = mapped_column(String(63))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

    actor: Mapped[User | None] = relationship()
