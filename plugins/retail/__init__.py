"""Retail (零售): chain stores and their headquarters (seed 000 §Ⅷ)."""

from typing import Any

from portal.hookspecs import SectorInfo, hookimpl

__version__ = "0.1.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="retail", name_en="Retail", name_zh="零售", version=__version__)


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    # Placeholder until the sector's rules land: the tiers only, most severe first.
    return {
        "tiers": [
            {"key": "major", "label": {"en": "Major", "zh": "重大"}},
            {"key": "general", "label": {"en": "General", "zh": "一般"}},
        ]
    }
