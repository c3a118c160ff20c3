"""Property management (物业管理): owners' complaints to the property company (seed 002)."""

from typing import Any

from portal.hookspecs import SectorInfo, hookimpl

__version__ = "0.1.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(
        key="property", name_en="Property management", name_zh="物业管理", version=__version__
    )


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    # Placeholder until the sector's rules land: the tiers only, most severe first.
    return {
        "tiers": [
            {"key": "major", "label": {"en": "Major", "zh": "重大"}},
            {"key": "important", "label": {"en": "Important", "zh": "重要"}},
            {"key": "minor", "label": {"en": "Minor", "zh": "轻微"}},
        ]
    }
