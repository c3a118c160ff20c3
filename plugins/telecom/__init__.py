"""Telecom (电信): operators' branches, group customer service and appeal centres.

The hooks only delegate; each rule lives in the module named for its job:
``vocabulary`` (kinds, channels, categories), ``fields``, ``validity``, ``tiers``
(deadlines, escalation, callback), ``policy`` (the assembled default), ``model`` (the
schema), ``facts`` (derived facts), ``presets`` and ``demo``. docs/sectors.md maps
each rule to its source and to where an admin changes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plugins.telecom.demo import demo_tickets
from plugins.telecom.facts import derived_facts
from plugins.telecom.model import TelecomPolicy
from plugins.telecom.policy import default_policy
from plugins.telecom.presets import presets
from plugins.telecom.reports import report_sections
from portal.hookspecs import PolicyPreset, ReportSection, SectorInfo, hookimpl

__version__ = "1.0.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="telecom", name_en="Telecom", name_zh="电信", version=__version__)


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return default_policy()


@hookimpl
def sector_policy_model() -> type[TelecomPolicy]:
    return TelecomPolicy


@hookimpl
def sector_derived_facts(fields: Mapping[str, Any], now: datetime, timezone: str) -> dict[str, Any]:
    return derived_facts(fields, now, timezone)


@hookimpl
def sector_policy_presets() -> list[PolicyPreset]:
    return presets()


@hookimpl
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    return demo_tickets(now, count)


@hookimpl
def sector_report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime, now: datetime
) -> list[ReportSection]:
    return report_sections(session, tenant_id, start, end, now)
