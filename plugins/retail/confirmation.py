"""The three-party confirmation (seed 000 §Ⅷ art 3 item 3): a return or exchange is
carried out only after the store marketing manager, the big-customer department
manager and the monitoring room have confirmed it, and the confirmations are recorded.

The parties and the categories they guard are the policy's ``return_confirmation``;
each confirmation is a ``confirm`` action naming its party, so it is on the timeline
with who recorded it and when. A reopened ticket needs them again: what was agreed
before no longer stands.
"""

from __future__ import annotations

from typing import Any

from plugins.retail.model import RetailPolicy
from portal.policy.document import Locale


def _confirmed(ticket: Any) -> set[str]:
    parties: set[str] = set()
    for event in sorted(ticket.events, key=lambda e: e.at):
        if event.type == "reopen":
            parties.clear()
        elif event.type == "confirm":
            parties.add(event.data.get("party"))
    return parties


def confirmation_objections(
    ticket: Any, action: str, actor_role: str, data: Any, document: RetailPolicy, locale: str
) -> list[str]:
    rule = document.return_confirmation
    if rule is None:
        return []
    lang: Locale = "zh" if locale == "zh" else "en"
    parties = {party.key: party for party in rule.parties}
    if action == "confirm":
        party = parties.get(data["party"])
        if party is None:
            names = ", ".join(f"{p.key} ({p.label.text(lang)})" for p in rule.parties)
            return [
                f"没有这个确认方；可以是：{names}。"
                if lang == "zh"
                else f"No such confirming party; it is one of: {names}."
            ]
        if party.role and actor_role not in (party.role, "tenant_admin"):
            return [
                f"{party.label.text(lang)}的确认须由该岗位人员记录。"
                if lang == "zh"
                else f"The {party.label.text(lang)}'s confirmation is recorded by that role."
            ]
        return []
    if action != "resolve" or ticket.category not in rule.categories:
        return []
    missing = [p.label.text(lang) for key, p in parties.items() if key not in _confirmed(ticket)]
    if not missing:
        return []
    return [
        "退换货须三方确认后方可执行，尚缺：" + "、".join(missing) + "。"
        if lang == "zh"
        else "A return or exchange needs every confirmation first; missing: "
        + ", ".join(missing)
        + "."
    ]
