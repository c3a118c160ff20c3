"""Facts the sector derives from a ticket's fields: what conditions cannot compute.

A review request (核查) must reach the superior institution within 30 days of the
complainant receiving the decision (order 2020 No.3 art 20). Counting that window needs
the statutory calendar: day 1 is the day after receipt, and a window whose last day is
a rest day runs to the next working day (Civil Code arts 201, 203), so a plain date
comparison would turn away customers the law still lets in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.deadlines import Duration, Unit, compute_due
from portal.policy.document import FieldType, as_date

REVIEW_WINDOW = Duration(30, Unit.CALENDAR_DAYS)
# Beyond this many days the window has passed whatever the holidays (30 days plus the
# longest run of rest days), so no calendar is needed.
_SURELY_PAST = 60
# National rules count days on Beijing time, whatever the tenant's zone.
LEGAL_ZONE = ZoneInfo("Asia/Shanghai")

DERIVED_FACT_TYPES: dict[str, FieldType] = {"review_request_late": "boolean"}


def derived_facts(fields: Mapping[str, Any], kind: str, now: datetime) -> dict[str, Any]:
    """``review_request_late`` for a review request that says when the decision came."""
    received = as_date(fields.get("decision_received_on"))
    if kind != "appeal" or received is None:
        return {}
    return {"review_request_late": review_request_late(received, now)}


def review_request_late(received: date, now: datetime) -> bool:
    """Whether, at ``now``, a review of a decision received on ``received`` is too late."""
    today = now.astimezone(LEGAL_ZONE).date()
    if received >= today:
        return False
    if (today - received).days > _SURELY_PAST:
        return True
    start = datetime.combine(received, time(12), tzinfo=LEGAL_ZONE)
    return now >= compute_due(start, REVIEW_WINDOW, _calendar(received.year)).due_at


@lru_cache(maxsize=8)
def _calendar(year: int) -> WorkingCalendar:
    # The window can run into the next year; the calendar's horizon covers the rest.
    years = (statutory_year_from_library(year), statutory_year_from_library(year + 1))
    return WorkingCalendar(years=years, time_zone=str(LEGAL_ZONE))
