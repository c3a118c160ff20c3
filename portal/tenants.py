"""Creating tenants: validated, with the sector's default policy as version 1."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from sqlalchemy import select

from portal.database import DbSession
from portal.i18n import LOCALES
from portal.models import Tenant, User
from portal.plugins import SectorRegistry, SectorUnavailable
from portal.policy.versions import activate, save_version
from portal.tenancy import tenant_scope
from portal.validation import InvalidInput

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PREFIX = re.compile(r"^[A-Z0-9]{1,12}$")


def create_tenant(
    session: DbSession,
    registry: SectorRegistry,
    *,
    slug: str,
    name: str,
    sector: str,
    ticket_prefix: str,
    timezone: str = "Asia/Shanghai",
    locale: str = "zh_Hans_CN",
    parent: Tenant | None = None,
    author: User | None = None,
) -> Tenant:
    problems: dict[str, str] = {}
    if not SLUG.match(slug):
        problems["slug"] = "2-63 lowercase letters, digits or hyphens"
    elif session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        problems["slug"] = f"{slug!r} is taken"
    if not name.strip() or len(name) > 200:
        problems["name"] = "1-200 characters"
    try:
        registry.get(sector)
    except SectorUnavailable as exc:
        problems["sector"] = exc.reason
    if not PREFIX.match(ticket_prefix):
        problems["ticket_prefix"] = "1-12 capital letters or digits"
    if timezone not in available_timezones():
        problems["timezone"] = f"unknown time zone {timezone!r}"
    if locale not in LOCALES:
        problems["locale"] = f"one of {', '.join(LOCALES)}"
    if problems:
        raise InvalidInput(problems)

    tenant = Tenant(
        slug=slug,
        name=name.strip(),
        sector=sector,
        ticket_prefix=ticket_prefix,
        timezone=timezone,
        locale=locale,
        parent=parent,
    )
    session.add(tenant)
    session.flush()
    with tenant_scope(session, tenant.id):
        document = registry.call(sector, "sector_default_policy")
        version = save_version(
            session, tenant, document, registry=registry, comment="sector default", author=author
        )
        activate(session, tenant, version, author)
    return tenant
