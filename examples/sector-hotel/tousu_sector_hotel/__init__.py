"""The hotel sector of the Tousu complaint portal: guest complaints (宾客投诉).

Built with the portal's scaffold (``flask portal new-sector hotel``) and test kit
(``portal.testing``) only, outside the portal's code. Its rules come from seed 003,
酒店宾客投诉处理管理办法: minor, general and major complaints, the duty (lobby) manager
who coordinates them, the deputy general manager and the general manager above
(``policy.py``); the deadlines the measures do not give are borrowed from the other
seeds and say so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.hookspecs import Guidance, SectorInfo, hookimpl
from tousu_sector_hotel.demo import demo_tickets
from tousu_sector_hotel.guidance import guidance_for
from tousu_sector_hotel.policy import default_policy

__version__ = "0.1.0"


@hookimpl
def sector_info() -> SectorInfo:
    return SectorInfo(key="hotel", name_en="Hotel", name_zh="酒店", version=__version__)


@hookimpl
def sector_default_policy() -> dict[str, Any]:
    return default_policy()


@hookimpl
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:
    return demo_tickets(now, count)


@hookimpl
def sector_guidance(ticket: Any, locale: str) -> list[Guidance]:
    return guidance_for(ticket.tier, locale)
