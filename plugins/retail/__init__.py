"""Retail (零售): chain stores and their headquarters (seed 000 §Ⅷ).

The hooks only hand over what the modules beside them hold: the default policy
(``policy``), its schema (``model``), the facts derived from a ticket's fields
(``facts``), the documented alternatives (``presets``) and the demo tickets (``demo``).
The rules and their sources are listed in docs/sectors.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plugins.retail.confirmation import confirmation_objections
from plugins.retail.demo import demo_tickets
from plugins.retail.facts import derived_facts
from plugins.retail.guidance import guidance_for
from plugins.retail.model import RetailPolicy
from plugins.retail.policy import default_policy
from plugins.retail.presets import PRESETS
from plugins.retail.reports import report_sections
from plugins.retail.threat_alert import FLAG as THREAT_ALERT_FLAG
from plugins.retail.threat_alert import THREAT_ALERT
from portal.hookspecs import (
    Guidance,
    PolicyPreset,
    ReportSection,
    SectorInfo,
    SectorJob,
    hookimpl,
)

__version__ = "1.0.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="retail", name_en="Retail", name_zh="零售", version=__version__)


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return default_policy()


@hookimpl
def sector_policy_model() -> type[RetailPolicy]:
    return RetailPolicy


@hookimpl
def sector_derived_facts(fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return derived_facts(fields, now)


@hookimpl
def sector_policy_presets() -> list[PolicyPreset]:
    return list(PRESETS)


@hookimpl
def sector_guidance(ticket: Any, document: RetailPolicy, locale: str) -> list[Guidance]:
    threat = bool((ticket.fields or {}).get(THREAT_ALERT_FLAG))
    return guidance_for(document, ticket.category, threat, locale)


@hookimpl
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    return demo_tickets(now, count)


@hookimpl
def sector_report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime
) -> list[ReportSection]:
    return report_sections(session, tenant_id, start, end)


@hookimpl
def sector_action_guard(
    ticket: Any,
    action: str,
    actor_role: str,
    data: Mapping[str, Any],
    document: RetailPolicy,
    locale: str,
) -> list[str]:
    return confirmation_objections(ticket, action, actor_role, data, document, locale)


@hookimpl
def sector_jobs() -> list[SectorJob]:
    return [THREAT_ALERT]
