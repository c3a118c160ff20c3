"""Facts the telecom rules test that no field states: computed from the fields, pure.

* ``bill_ratio``: the disputed month's charge over the average of the previous three
  months; a huge bill is 5x or more (电信条例 art 33). Absent without both amounts or
  with a zero average (no history to compare with).
* ``days_since_operator_complaint``: calendar days from the complaint to the operator
  to today in the tenant's time zone; the appeal centre waits out the operator's 15
  days (order 35 art 10). Absent without the date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from portal.policy.document import FieldType, as_date


@dataclass(frozen=True)
class DerivedFact:
    """A fact this sector computes, and the fields (with the types) it reads."""

    name: str
    type: FieldType
    inputs: Mapping[str, frozenset[FieldType]]


_NUMERIC: frozenset[FieldType] = frozenset({"number", "integer"})

DERIVED_FACTS = (
    DerivedFact("bill_ratio", "number", {"bill_amount": _NUMERIC, "average_bill_3m": _NUMERIC}),
    DerivedFact(
        "days_since_operator_complaint",
        "integer",
        {"operator_complaint_date": frozenset({"date"})},
    ),
)


def derived_facts(fields: Mapping[str, object], now: datetime, timezone: str) -> dict[str, object]:
    facts: dict[str, object] = {}
    bill, average = _amount(fields.get("bill_amount")), _amount(fields.get("average_bill_3m"))
    if bill is not None and average:
        # Rounded so that float noise cannot put a bill of exactly 5x just below 5.
        facts["bill_ratio"] = round(bill / average, 6)
    complained = as_date(fields.get("operator_complaint_date"))
    if complained is not None:
        facts["days_since_operator_complaint"] = (
            now.astimezone(ZoneInfo(timezone)).date() - complained
        ).days
    return facts


def _amount(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
