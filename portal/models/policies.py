"""Policy versions: each save of a tenant's policy is a new immutable row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, ImmutableRowError, JSONDocument, UTCDateTime, utcnow
from portal.models.users import User
from portal.tenancy import TenantScoped


class PolicyVersion(TenantScoped, Base):
    """A complete policy document as saved once. Which version is active is recorded
    on the tenant, so the versions themselves never change."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    sector: Mapped[str] = mapped_column(String(63))
    sector_version: Mapped[str] = mapped_column(String(31))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


@event.listens_for(PolicyVersion, "before_update")
def _refuse_policy_update(mapper: Any, connection: Any, target: PolicyVersion) -> None:
    raise ImmutableRowError("policy versions are immutable; save a new version instead")
