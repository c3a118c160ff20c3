"""Facts a retail ticket implies but cannot state: where the customer stands in the
statutory seven-day return period.

Conditions cannot compare a date field with the time of classification, so the period
is counted here. It is a legal period, so it is counted in China's dates on the
statutory calendar, whatever the tenant's time zone and opening days: the day of
receipt is not counted (Civil Code art 201), day 7 is included (art 1259), and a period
whose last day is a statutory rest day runs to the next working day (art 203).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final
from zoneinfo import ZoneInfo

from portal.policy.calendar import statutory_year_from_library
from portal.policy.document import FieldType, as_date

__all__ = ["DERIVED_FACTS", "RETURN_PERIOD_DAYS", "derived_facts", "return_period_end"]

#: The facts this module computes, declared to the policy model so conditions may test them.
DERIVED_FACTS: Final[Mapping[str, FieldType]] = MappingProxyType(
    {
        "days_since_receipt": "integer",
        "statutory_return_right": "boolean",
    }
)

# 消费者权益保护法 art 24 (goods not up to quality) and art 25 (distance sales, no reason).
RETURN_PERIOD_DAYS: Final = 7
# Consumer law is Chinese law: its days are dates in China, whatever the tenant's zone.
_CHINA: Final = ZoneInfo("Asia/Shanghai")


def _is_statutory_rest_day(day: date) -> bool:
    year = statutory_year_from_library(day.year)
    if day in year.holidays:
        return True
    return day.isoweekday() >= 6 and day not in year.working_days


def return_period_end(received: date) -> date:
    """The last day on which goods received on ``received`` may still be returned."""
    last = received + timedelta(days=RETURN_PERIOD_DAYS)
    while _is_statutory_rest_day(last):
        last += timedelta(days=1)
    return last


def derived_facts(fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The retail facts of a ticket's validated ``fields`` at ``now`` (aware).

    Nothing is derived without a plausible ``received_on`` (absent, or after today):
    an unknown fact leaves conditions on it false rather than guessing.
    """
    received = as_date(fields.get("received_on"))
    today = now.astimezone(_CHINA).date()
    if received is None or received > today:
        return {}
    in_period = today <= return_period_end(received)
    # art 25: distance sales may be returned without a reason unless the goods are of
    # an excluded kind; art 24: goods with a quality problem may be returned.
    no_reason = fields.get("sales_mode") == "distance" and fields.get("return_exclusion") is None
    defective = fields.get("quality_problem") is True
    return {
        "days_since_receipt": (today - received).days,
        "statutory_return_right": in_period and (no_reason or defective),
    }
