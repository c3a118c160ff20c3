"""The countdown of a ticket's next deadline, and how risky it is.

A milestone is *at risk* once the share of its span named by the policy's
``warn_at_share`` has passed (the same rule the periodic review warns by), and
*breached* once it is due or the review has marked the ticket breached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.database import DbSession
from portal.models import Milestone, Ticket

OK, AT_RISK, BREACHED = "ok", "at-risk", "breached"
LEVEL_LABELS = {OK: _l("On time"), AT_RISK: _l("At risk"), BREACHED: _l("Breached")}


@dataclass(frozen=True)
class Countdown:
    level: str
    left: timedelta

    @property
    def text(self) -> str:
        """ "in 3 hours" / "2 days ago", in the page's language."""
        return format_timedelta(self.left, add_direction=True)

    @property
    def title(self) -> str:
        return str(LEVEL_LABELS[self.level])


def risk(started_at: datetime, due_at: datetime, now: datetime, share: float) -> str:
    if due_at <= now:
        return BREACHED
    span = (due_at - started_at).total_seconds()
    used = (now - started_at).total_seconds()
    return AT_RISK if span <= 0 or used >= share * span else OK


def countdowns(
    session: DbSession, tickets: Sequence[Ticket], now: datetime, share: float
) -> dict[int, Countdown]:
    """The countdown of each ticket that has a running deadline, in one query."""
    due = {t.id: t.next_due_at for t in tickets if t.next_due_at is not None}
    starts = _starts(session, due)
    result = {}
    for ticket in tickets:
        due_at = due.get(ticket.id)
        if due_at is None:
            continue
        level = risk(starts.get(ticket.id, due_at), due_at, now, share)
        if ticket.breached:
            level = BREACHED
        result[ticket.id] = Countdown(level, due_at - now)
    return result


def _starts(session: DbSession, due: dict[int, datetime]) -> dict[int, datetime]:
    """When the milestone each ticket is next due by started."""
    if not due:
        return {}
    rows = session.execute(
        select(Milestone.ticket_id, Milestone.started_at, Milestone.due_at).where(
            Milestone.ticket_id.in_(due),
            Milestone.met_at.is_(None),
            Milestone.cancelled_at.is_(None),
        )
    )
    return {ticket_id: started for ticket_id, started, due_at in rows if due[ticket_id] == due_at}
