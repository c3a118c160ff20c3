"""Tenants (organisations) and their department trees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, JSONDocument, UTCDateTime, utcnow
from portal.tenancy import TenantScoped


class Tenant(Base):
    """One organisation. Not itself scoped: it is the scope."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(63))
    timezone: Mapped[str] = mapped_column(String(63), default="Asia/Shanghai")
    locale: Mapped[str] = mapped_column(String(15), default="zh_Hans_CN")
    # Ticket numbers read PREFIX-YYYYMM-NNNNNN (seed 003: year-month-serial).
    ticket_prefix: Mapped[str] = mapped_column(String(12))
    # A province under its group, a city under its province. Roll-ups come later; until
    # then a parent sees nothing of its children.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    active_policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_versions.id", use_alter=True)
    )
    # {"1": [["09:00", "12:00"], ["13:30", "17:30"]], ...} by ISO weekday; None means
    # the standard office hours (portal.policy.calendar.STANDARD_HOURS).
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # Bumped whenever the tenant's hours or own days change, so cached calendars renew.
    calendar_revision: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Tenant | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Tenant {self.slug} ({self.sector})>"


class Department(TenantScoped, Base):
    """A unit that handles tickets; departments form one tree per tenant."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    code: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Department {self.code}>"
