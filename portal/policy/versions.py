"""Policy versions: every save is a new immutable row; activation and rollback are
explicit, and each is written to the audit log.

A tenant's policy is its sector's default as changed by the tenant's admins; each
version stores the whole document, so any version can be read, compared, simulated
or restored on its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.database import DbSession
from portal.models import AuditEntry, PolicyVersion, Tenant, Ticket, User
from portal.plugins import SectorRegistry
from portal.policy.engine import Policy, compiled_policy, policy_of, validate_for_sector


def save_version(
    session: DbSession,
    tenant: Tenant,
    document: dict[str, Any],
    *,
    registry: SectorRegistry,
    comment: str,
    author: User | None = None,
) -> PolicyVersion:
    """Validate ``document`` and store it as the tenant's next version (a draft).

    Raises PolicyInvalid, listing every problem by path, and stores nothing.
    """
    validated = validate_for_sector(registry, tenant.sector, document)
    last = session.scalar(
        select(func.max(PolicyVersion.number)).where(PolicyVersion.tenant_id == tenant.id)
    )
    version = PolicyVersion(
        tenant_id=tenant.id,
        number=(last or 0) + 1,
        sector=tenant.sector,
        sector_version=registry.get(tenant.sector).info.version,
        document=validated.model_dump(mode="json", exclude_none=True),
        comment=comment,
        author_id=author.id if author else None,
    )
    session.add(version)
    session.flush()
    _audit(session, tenant, author, "create", version, None)
    return version


def activate(
    session: DbSession, tenant: Tenant, version: PolicyVersion, author: User | None = None
) -> None:
    """Make ``version`` the one new tickets are classified under."""
    if version.tenant_id != tenant.id:
        raise ValueError("a tenant can only activate its own policy versions")
    before = tenant.active_policy_version_id
    tenant.active_policy_version_id = version.id
    _audit(session, tenant, author, "activate", version, before)


def rollback(
    session: DbSession,
    tenant: Tenant,
    to: PolicyVersion,
    *,
    registry: SectorRegistry,
    author: User | None = None,
) -> PolicyVersion:
    """Save a new version equal to ``to`` and activate it; history is never rewound."""
    version = save_version(
        session,
        tenant,
        to.document,
        registry=registry,
        comment=f"rollback to version {to.number}",
        author=author,
    )
    activate(session, tenant, version, author)
    return version


def active_version(session: DbSession, tenant: Tenant) -> PolicyVersion:
    """The version new tickets of ``tenant`` are classified under."""
    version = session.get(PolicyVersion, tenant.active_policy_version_id)
    if version is None:
        raise LookupError(f"tenant {tenant.slug} has no active policy version")
    return version


def active_policy(session: DbSession, registry: SectorRegistry, tenant: Tenant) -> Policy:
    """The compiled policy of :func:`active_version`. Versions never change, so each is
    read from the database once per application; the tenant row says which is active."""
    known = tenant.active_policy_version_id
    policy = compiled_policy(known) if known is not None else None
    return policy or policy_of(registry, active_version(session, tenant))


def ticket_version(session: DbSession, ticket: Ticket) -> PolicyVersion:
    """The version ``ticket`` was classified under (intake always records one)."""
    version = session.get(PolicyVersion, ticket.policy_version_id)
    if version is None:
        raise LookupError(f"ticket {ticket.number} has no policy version")
    return version


def version_by_number(session: DbSession, tenant: Tenant, number: int) -> PolicyVersion | None:
    return session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.tenant_id == tenant.id, PolicyVersion.number == number
        )
    )


def _audit(
    session: DbSession,
    tenant: Tenant,
    author: User | None,
    action: str,
    version: PolicyVersion,
    previous_active: int | None,
) -> None:
    session.add(
        AuditEntry(
            tenant_id=tenant.id,
            actor_id=author.id if author else None,
            action=action,
            object_type="policy_version",
            object_id=str(version.number),
            before={"active_policy_version_id": previous_active} if action == "activate" else None,
            after={"number": version.number, "comment": version.comment},
        )
    )
