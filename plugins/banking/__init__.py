"""Banking and insurance (银行业保险业): consumer complaints under CBIRC order 2020 No.3."""

from typing import Any

from portal.hookspecs import SectorInfo, hookimpl

__version__ = "0.1.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(
        key="banking", name_en="Banking and insurance", name_zh="银行业保险业", version=__version__
    )


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    # Placeholder until the sector's rules land: the tiers only, most severe first.
    return {
        "tiers": [
            {"key": "major", "label": {"en": "Major", "zh": "重大"}},
            {"key": "complex", "label": {"en": "Complex", "zh": "复杂"}},
            {"key": "ordinary", "label": {"en": "Ordinary", "zh": "一般"}},
        ]
    }
