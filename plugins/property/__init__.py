"""Property management (物业管理): owners' complaints to the property company.

The hooks only; the rules live in ``policy.py`` (the default document), ``model.py``
(its schema), ``facts.py`` (derived facts), ``presets.py`` and ``demo.py``. What each
rule is and where it comes from: docs/sectors.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plugins.property.demo import demo_tickets
from plugins.property.facts import derived_facts
from plugins.property.model import PropertyPolicy
from plugins.property.month_rule import MONTH_RULE
from plugins.property.policy import default_policy
from plugins.property.presets import PRESETS
from plugins.property.reports import report_sections
from portal.hookspecs import PolicyPreset, ReportSection, SectorInfo, SectorJob, hookimpl
from portal.policy.document import PolicyDocument

__version__ = "1.0.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(
        key="property", name_en="Property management", name_zh="物业管理", version=__version__
    )


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return default_policy()


@hookimpl
def sector_policy_model() -> type[PolicyDocument]:
    return PropertyPolicy


@hookimpl
def sector_derived_facts(fields: Mapping[str, Any], now: datetime, timezone: str) -> dict[str, Any]:
    return derived_facts(fields, now, timezone)


@hookimpl
def sector_policy_presets() -> list[PolicyPreset]:
    return list(PRESETS)


@hookimpl
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    return demo_tickets(now, count)


@hookimpl
def sector_report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime, now: datetime
) -> list[ReportSection]:
    return report_sections(session, tenant_id, start, end, now)


@hookimpl
def sector_jobs() -> list[SectorJob]:
    return [MONTH_RULE]
