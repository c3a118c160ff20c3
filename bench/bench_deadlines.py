"""Throughput of compute_due against the budget of 50,000 milestones per second.

The periodic review recomputes deadlines in bulk, so deadline maths must stay far
below the cost of the SQL around it. Run: ``python bench/bench_deadlines.py``.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.deadlines import Duration, Unit, compute_due

BUDGET_PER_SECOND = 50_000

CASES = [
    Duration(15, Unit.WORKING_DAYS),
    Duration(3, Unit.WORKING_DAYS),
    Duration(8, Unit.BUSINESS_HOURS),
    Duration(48, Unit.BUSINESS_HOURS),
]


def random_starts(count: int, seed: int) -> list[datetime]:
    """Starts spread over 2026, at any microsecond, in UTC as the database stores them."""
    rng = random.Random(seed)
    year_start = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=8)  # Shanghai's Jan 1
    span_us = 365 * 24 * 3_600_000_000
    return [year_start + timedelta(microseconds=rng.randrange(span_us)) for _ in range(count)]


def milestones_per_second(
    starts: list[datetime], duration: Duration, calendar: WorkingCalendar, rounds: int
) -> float:
    """Best of several rounds, so a noisy neighbour does not decide PASS or FAIL."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for start in starts:
            compute_due(start, duration, calendar)
        best = min(best, time.perf_counter() - began)
    return len(starts) / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="random starts per case")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    began = time.perf_counter()
    calendar = WorkingCalendar(tuple(statutory_year_from_library(y) for y in range(2001, 2028)))
    print(f"calendar 2001-2027 built in {time.perf_counter() - began:.3f} s")
    starts = random_starts(args.count, args.seed)

    failed = False
    for duration in CASES:
        rate = milestones_per_second(starts, duration, calendar, args.rounds)
        ratio = rate / BUDGET_PER_SECOND
        verdict = "PASS" if ratio >= 1 else "FAIL"
        failed |= ratio < 1
        label = f"{duration.amount:g} {duration.unit}"
        print(f"{label:<20} {rate:>12,.0f} milestones/s  {ratio:5.2f}x budget  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
