"""The core's answers to the optional sector hooks, used when a sector has none.

Registered as an ordinary plugin with ``trylast``, so a sector's own implementation
always wins (see :mod:`portal.hookspecs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.hookspecs import Guidance, PolicyPreset, ReportSection, SectorJob, hookimpl
from portal.policy.document import PolicyDocument


@hookimpl(trylast=True)
def sector_policy_model() -> type[PolicyDocument]:
    return PolicyDocument


@hookimpl(trylast=True)
def sector_derived_facts(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {}


@hookimpl(trylast=True)
def sector_policy_presets() -> list[PolicyPreset]:
    return []


@hookimpl(trylast=True)
def sector_demo_tickets() -> list[dict[str, Any]]:
    return []


@hookimpl(trylast=True)
def sector_action_guard() -> list[str]:
    return []


# seed 001 §1: the path a service complaint takes, whatever the sector.
_EIGHT_STEPS = {
    "en": Guidance(
        "Handling a service complaint",
        [
            "Record the complaint in detail: who, when, what they ask for",
            "Judge its nature",
            "Settle who is responsible for handling it: the unit and the person",
            "Find the cause: the department or person that caused it",
            "Calm the customer, propose a concrete solution, follow it through and "
            "keep the customer informed",
            "Compensate where due and ask whether the customer is satisfied",
            "Hold the person directly responsible to account",
            "Propose improvements so it does not happen again",
        ],
    ),
    "zh": Guidance(
        "服务投诉处理思路",
        [
            "详细记录投诉内容：投诉者、投诉时间、投诉诉求",
            "判定投诉性质",
            "确定投诉处理责任：具体受理单位和受理责任人",
            "调查投诉原因，确定造成客户投诉的部门或个人",
            "安抚客户情绪，提出具体解决方案，跟进事件进程并及时通知客户",
            "进行赔偿并询问客户的满意度和其他需求",
            "对直接责任人进行相应处罚",
            "在内部提出改善措施，预防同类事件再次发生",
        ],
    ),
}


@hookimpl(trylast=True)
def sector_guidance(locale: str) -> list[Guidance]:
    return [_EIGHT_STEPS.get(locale, _EIGHT_STEPS["en"])]


@hookimpl(trylast=True)
def sector_report_sections() -> list[ReportSection]:
    return []


@hookimpl(trylast=True)
def sector_jobs() -> list[SectorJob]:
    return []
