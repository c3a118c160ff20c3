"""Banking and insurance (银行业保险业): consumer complaints under CBIRC order 2020 No.3.

The hooks only delegate: the default document is in ``policy`` (with its fields in
``fields``), its schema in ``model``, derived facts in ``facts``, the documented
alternatives in ``presets`` and the demo tickets in ``demo``.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plugins.banking import regulator_report
from plugins.banking.demo import demo_tickets
from plugins.banking.facts import derived_facts
from plugins.banking.model import BankingPolicy
from plugins.banking.policy import default_policy
from plugins.banking.presets import PRESETS
from plugins.banking.recusal import recusal_objections
from plugins.banking.reports import report_sections
from plugins.banking.review_sample import REVIEW_SAMPLE
from portal.hookspecs import PolicyPreset, ReportSection, SectorInfo, SectorJob, hookimpl
from portal.policy.document import PolicyDocument

__version__ = "1.0.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(
        key="banking", name_en="Banking and insurance", name_zh="银行业保险业", version=__version__
    )


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return default_policy()


@hookimpl
def sector_policy_model() -> type[PolicyDocument]:
    return BankingPolicy


@hookimpl
def sector_derived_facts(fields: Mapping[str, Any], kind: str, now: datetime) -> dict[str, Any]:
    return derived_facts(fields, kind, now)


@hookimpl
def sector_policy_presets() -> list[PolicyPreset]:
    return list(PRESETS)


@hookimpl
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    return demo_tickets(now, count)


@hookimpl
def sector_report_sections(
    session: Any, tenant_id: int, start: datetime, end: datetime
) -> list[ReportSection]:
    return report_sections(session, tenant_id, start, end)


@hookimpl
def sector_jobs() -> list[SectorJob]:
    return [REVIEW_SAMPLE]


@hookimpl
def sector_action_guard(
    ticket: Any, action: str, actor_role: str, data: Any, assignee: Any, locale: str
) -> list[str]:
    if action == "assign":
        return recusal_objections(ticket, assignee, locale)
    return regulator_report.confirmation_objections(action, actor_role, data, locale)
