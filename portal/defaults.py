"""The core's answers to the optional sector hooks, used when a sector has none.

Registered as an ordinary plugin with ``trylast``, so a sector's own implementation
always wins (see :mod:`portal.hookspecs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.hookspecs import PolicyPreset, hookimpl
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
