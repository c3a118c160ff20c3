"""Recusal (order art 17; 2007 notice art 2): a complaint is never handled by the staff
member it is about. The ticket names that person in ``staff_complained_about``, as the
customer gave it (a name, sometimes a staff e-mail); an assignment to someone matching
it is refused.
"""

from __future__ import annotations

from typing import Any

FIELD = "staff_complained_about"


def _normal(text: str) -> str:
    return "".join(text.split()).casefold()


def recusal_objections(ticket: Any, assignee: Any, locale: str) -> list[str]:
    named = _normal(str((ticket.fields or {}).get(FIELD) or ""))
    if not named or assignee is None:
        return []
    email = assignee.email.casefold()
    if named not in {_normal(assignee.display_name), email, email.partition("@")[0]}:
        return []
    if locale == "zh":
        return [f"本投诉针对{assignee.display_name}本人，须回避，请指派其他人员处理。"]
    return [
        f"This complaint is about {assignee.display_name}, who must not handle it; "
        "assign someone else."
    ]
