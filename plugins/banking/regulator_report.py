"""order art 29; 2007 notice art 8: a major complaint is reported to the regulator
promptly (及时).

The report is made outside the portal (the regulator's own channels); the portal keeps
its deadline and its record. The major tier's ``regulator_report`` milestone is met by a
``confirm`` action naming the party ``regulator`` (``met_by: ["confirm:regulator"]``),
recorded by a supervisor with a note of how and when it was reported; left unmet, the
review breaches it and escalates the ticket like any other deadline.
"""

from __future__ import annotations

from typing import Any

PARTY = "regulator"
RECORDED_BY = ("supervisor", "tenant_admin")


def confirmation_objections(action: str, actor_role: str, data: Any, locale: str) -> list[str]:
    if action != "confirm":
        return []
    chinese = locale == "zh"
    if data["party"] != PARTY:
        return [
            f"银行业只记录向监管机构的报告（确认方 {PARTY}）。"
            if chinese
            else f"Banking records one confirmation: the report to the regulator (party {PARTY})."
        ]
    if actor_role not in RECORDED_BY:
        return [
            "向监管机构报告须由主管记录。"
            if chinese
            else "The report to the regulator is recorded by a supervisor."
        ]
    return []
