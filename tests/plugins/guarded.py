"""A sector whose guard refuses to resolve a ticket without a confirmation note."""

from portal.hookspecs import SectorInfo, hookimpl
from tests.plugins.sample import POLICY


@hookimpl
def sector_info():
    return SectorInfo(key="guarded", name_en="Guarded", name_zh="受限", version="1.0.0")


@hookimpl
def sector_default_policy():
    return POLICY


@hookimpl
def sector_action_guard(ticket, action):
    confirmed = any(
        e.type == "note" and "confirmed" in e.data.get("text", "") for e in ticket.events
    )
    if action == "resolve" and not confirmed:
        return ["A return needs the three confirmations first."]
    return []
