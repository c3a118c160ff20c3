"""The statutory calendar (platform-wide) and each tenant's own days off and on.

The State Council publishes each year's holidays and make-up working days (调休) in
late autumn for the next year. Years are seeded from the ``holidays`` package and
marked ``provisional`` until the platform admin imports the published schedule, at
which point deadlines computed on the provisional calendar are recomputed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow
from portal.tenancy import TenantScoped


class CalendarYear(Base):
    """One year of the national schedule: official or provisional, and where from."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(15))
    source: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarDay(Base):
    """A statutory holiday, or a weekend day that is a working day (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(
        ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(15))  # "holiday" or "working"
    name: Mapped[str] = mapped_column(String(100), default="")


class TenantCalendarDay(TenantScoped, Base):
    """A tenant's own exception: an extra day off, or an extra working day."""

    __tablename__ = "tenant_calendar_days"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(15))  # "rest" or "working"
    note: Mapped[str] = mapped_column(String(200), default="")
