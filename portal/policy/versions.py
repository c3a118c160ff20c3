"""Saving and activating policy versions. Each save is a new immutable row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.database import DbSession
from portal.models import PolicyVersion, Tenant, User
from portal.plugins import SectorRegistry


def save_version(
    session: DbSession,
    tenant: Tenant,
    document: dict[str, Any],
    *,
    registry: SectorRegistry,
    comment: str,
    author: User | None = None,
) -> PolicyVersion:
    """Store ``document`` as the tenant's next version (a draft until activated)."""
    last = session.scalar(
        select(func.max(PolicyVersion.number)).where(PolicyVersion.tenant_id == tenant.id)
    )
    version = PolicyVersion(
        tenant_id=tenant.id,
        number=(last or 0) + 1,
        sector=tenant.sector,
        sector_version=registry.get(tenant.sector).info.version,
        document=document,
        comment=comment,
        author_id=author.id if author else None,
    )
    session.add(version)
    session.flush()
    return version


def activate(tenant: Tenant, version: PolicyVersion) -> None:
    """Make ``version`` the one new tickets are classified under."""
    if version.tenant_id != tenant.id:
        raise ValueError("a tenant can only activate its own policy versions")
    tenant.active_policy_version_id = version.id


def active_version(session: DbSession, tenant: Tenant) -> PolicyVersion:
    """The version new tickets of ``tenant`` are classified under."""
    version = session.get(PolicyVersion, tenant.active_policy_version_id)
    if version is None:
        raise LookupError(f"tenant {tenant.slug} has no active policy version")
    return version
