"""Report periods: their names (``2026-11-23``, ``2026-W47``, ``2026-11``, ``2026-Q4``,
``2026``) and their boundaries in the tenant's time zone.

A period is a run of local calendar days; its instants are the local midnights that
bound it, turned into UTC, so a complaint at 23:30 Shanghai on the last day belongs
to that day whatever the UTC date says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KINDS = ("daily", "weekly", "monthly", "quarterly", "yearly")

_PATTERNS = {
    "daily": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "weekly": re.compile(r"^(\d{4})-W(\d{2})$"),
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}
#: Years a report can name; outside them date arithmetic overflows or means nothing.
YEARS = (2000, 2200)


class InvalidPeriod(ValueError):
    """An unknown report kind, or a period name that does not fit its kind."""


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first local day
    last: date  # the last local day, included

    @property
    def key(self) -> str:
        if self.kind == "daily":
            return self.first.isoformat()
        if self.kind == "weekly":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "monthly":
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind == "quarterly":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period as a half-open UTC interval [start, end)."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first, time(), zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone).astimezone(UTC)
        return start, end

    def previous(self) -> Period:
        return containing(self.kind, self.first - timedelta(days=1))


def containing(kind: str, day: date) -> Period:
    """The period of ``kind`` that holds the local day ``day``."""
    if kind == "daily":
        return Period(kind, day, day)
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "monthly":
        first = day.replace(day=1)
    elif kind == "quarterly":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == "yearly":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    else:
        raise InvalidPeriod(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")
    months = 1 if kind == "monthly" else 3
    following = date(
        first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1
    )
    return Period(kind, first, following - timedelta(days=1))


def parse(kind: str, key: str) -> Period:
    """The period named ``key`` (e.g. ``2026-Q3`` for quarterly); InvalidPeriod if
    the kind is unknown or the name is not one of its periods."""
    pattern = _PATTERNS.get(kind)
    if pattern is None:
        raise InvalidPeriod(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")
    match = pattern.match(key)
    if match is None or not YEARS[0] <= int(match.group(1)) <= YEARS[1]:
        raise InvalidPeriod(f"{key!r} is not a {kind} period (e.g. {EXAMPLES[kind]})")
    numbers = [int(part) for part in match.groups()]
    try:
        if kind == "daily":
            day = date(*numbers)
        elif kind == "weekly":
            day = date.fromisocalendar(numbers[0], numbers[1], 1)
        elif kind == "monthly":
            day = date(numbers[0], numbers[1], 1)
        elif kind == "quarterly":
            day = date(numbers[0], numbers[1] * 3 - 2, 1)
        else:
            day = date(numbers[0], 1, 1)
    except ValueError:
        raise InvalidPeriod(f"{key!r} is not a {kind} period (e.g. {EXAMPLES[kind]})") from None
    return containing(kind, day)


EXAMPLES = {
    "daily": "2026-11-23",
    "weekly": "2026-W47",
    "monthly": "2026-11",
    "quarterly": "2026-Q4",
    "yearly": "2026",
}


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()
