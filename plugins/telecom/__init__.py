"""Telecom (电信): operators' branches, group customer service and appeal centres."""

from typing import Any

from portal.hookspecs import SectorInfo, hookimpl

__version__ = "0.1.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="telecom", name_en="Telecom", name_zh="电信", version=__version__)


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    # Placeholder until the sector's rules land: the tiers only, most severe first.
    return {
        "tiers": [
            {"key": "major", "label": {"en": "Major", "zh": "重大"}},
            {"key": "important", "label": {"en": "Important", "zh": "重要"}},
            {"key": "general", "label": {"en": "General", "zh": "一般"}},
        ]
    }
