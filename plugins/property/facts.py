"""Facts the property rules need that a condition cannot compute from a field alone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from portal.policy.document import FieldType, as_date

#: The field holding the day the owner first raised the matter with the company.
FIRST_RAISED_ON: Final = "first_raised_on"
#: seed 002 §2 major (3): a valid complaint not reasonably solved within a month.
UNSOLVED_OVER_A_MONTH: Final = "unsolved_over_a_month"

FACT_TYPES: Final[Mapping[str, FieldType]] = {UNSOLVED_OVER_A_MONTH: "boolean"}

_A_MONTH: Final = relativedelta(months=1)


def derived_facts(
    fields: Mapping[str, Any], now: datetime, timezone: str = "Asia/Shanghai"
) -> dict[str, Any]:
    """The derived facts of a ticket's fields at ``now`` (aware), in the tenant's zone."""
    local_now = now.astimezone(ZoneInfo(timezone))
    return {UNSOLVED_OVER_A_MONTH: unsolved_over_a_month(fields.get(FIRST_RAISED_ON), local_now)}


def unsolved_over_a_month(first_raised_on: object, now: datetime) -> bool:
    """Whether the month that began when the matter was first raised is over.

    Counted like a legal period (Civil Code arts 201-202): the month ends on the same
    date of the next month, or on that month's last day when it has no such date; raised
    on 01-31, the month ends on 02-28, so the matter is over a month old from 03-01 on.
    No date given: false. The first-raised date is a local date: ``now`` should be in
    the tenant's zone.
    """
    raised = as_date(first_raised_on)
    if raised is None:
        return False
    return now.date() > raised + _A_MONTH
