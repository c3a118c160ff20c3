"""The engine's entry points: a tenant's policy, and the milestones a tier sets.

Everything here is a pure function of its arguments except :func:`policy_of` and
:func:`compiled_policy`, which keep each stored version's policy once compiled (versions
never change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from portal.models import Milestone, PolicyVersion
from portal.plugins import SectorRegistry
from portal.policy.calendar import WorkingCalendar
from portal.policy.classify import CompiledPolicy, compile_policy
from portal.policy.deadlines import Due, Duration, Unit, compute_due
from portal.policy.document import MilestoneRule, PolicyDocument, validate_policy
from portal.workflow.actions import met_by


@dataclass(frozen=True)
class Policy:
    """A validated document with its criteria compiled."""

    version_id: int | None
    number: int | None  # the stored version's, None for a draft
    document: PolicyDocument
    compiled: CompiledPolicy


def validate_for_sector(
    registry: SectorRegistry, sector: str, document: dict[str, Any]
) -> PolicyDocument:
    """Validate ``document`` with the sector's schema (raises PolicyInvalid)."""
    model: type[PolicyDocument] = registry.call(sector, "sector_policy_model")
    return validate_policy(document, model)


def build_policy(registry: SectorRegistry, sector: str, document: dict[str, Any]) -> Policy:
    """A draft's policy, for simulation: validated and compiled, not stored."""
    validated = validate_for_sector(registry, sector, document)
    return Policy(None, None, validated, compile_policy(validated))


def _compiled() -> dict[int, Policy]:
    cache: dict[int, Policy] = current_app.extensions.setdefault("tousu.policies", {})
    return cache


def policy_of(registry: SectorRegistry, version: PolicyVersion) -> Policy:
    """The policy of a stored version, compiled once per application."""
    cache = _compiled()
    policy = cache.get(version.id)
    if policy is None:
        validated = validate_for_sector(registry, version.sector, version.document)
        policy = Policy(version.id, version.number, validated, compile_policy(validated))
        cache[version.id] = policy
    return policy


def compiled_policy(version_id: int) -> Policy | None:
    """The policy of stored version ``version_id``, if this application compiled it."""
    return _compiled().get(version_id)


@dataclass(frozen=True)
class PlannedMilestone:
    """A milestone to store: its name, due time and the rule it came from."""

    name: str
    started_at: datetime
    due_at: datetime
    provisional: bool
    rule: dict[str, Any]


def rule_of(milestone: MilestoneRule, may_lengthen: bool) -> dict[str, Any]:
    """What a stored milestone keeps of its rule, to be recomputed without the policy."""
    default = milestone.default
    return {
        "amount": milestone.duration.amount,
        "unit": milestone.duration.unit,
        "default": {"amount": default.amount, "unit": default.unit} if default else None,
        "may_lengthen": may_lengthen,
        "pausable": milestone.pausable,
        "restart_on_new_facts": bool(milestone.restart_on_new_facts),
        "met_by": met_by(milestone.name, milestone.met_by),
    }


def due_from_rule(
    rule: dict[str, Any],
    started_at: datetime,
    calendar: WorkingCalendar,
    *,
    requested_due_at: datetime | None,
    paused: Sequence[tuple[datetime, datetime]] = (),
) -> tuple[datetime, bool]:
    """(due time, provisional) of a stored milestone rule from ``started_at``."""
    default = rule.get("default")
    due = compute_due(
        started_at,
        Duration(rule["amount"], Unit(rule["unit"])),
        calendar,
        requested_due_at=requested_due_at,
        requested_may_lengthen=bool(rule.get("may_lengthen")),
        default=Duration(default["amount"], Unit(default["unit"])) if default else None,
        paused=paused,
    )
    return due.due_at, due.provisional


def plan_milestones(
    policy: PolicyDocument,
    tier: str,
    kind: str,
    start: str,
    at: datetime,
    calendar: WorkingCalendar,
    requested_due_at: datetime | None = None,
) -> list[PlannedMilestone]:
    """The milestones that tier ``tier`` starts at event ``start`` for a ``kind`` ticket."""
    planned = []
    for milestone in milestone_rules(policy, tier, kind):
        if milestone.start != start:
            continue
        rule = rule_of(milestone, policy.requested_deadline_may_lengthen)
        due_at, provisional = due_from_rule(rule, at, calendar, requested_due_at=requested_due_at)
        planned.append(PlannedMilestone(milestone.name, at, due_at, provisional, rule))
    return planned


def milestone_rules(policy: PolicyDocument, tier: str, kind: str) -> list[MilestoneRule]:
    """The milestone rules of ``tier`` that apply to a ``kind`` ticket."""
    rules = next(t.milestones for t in policy.tiers if t.key == tier)
    return [m for m in rules if not m.kinds or kind in m.kinds]


#: Where a milestone's rule keeps the extensions granted to it, in order.
EXTENSIONS = "extensions"
_DAY_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.WORKING_DAYS})


def extended_due(due_at: datetime, duration: Duration, calendar: WorkingCalendar) -> Due:
    """``due_at`` moved on by ``duration`` on ``calendar``.

    A day-based deadline is due at the local midnight that ends its last day. Counted
    from that midnight, the day after would be skipped (days count from the day after
    the start, Civil Code art 201), so day units count from the deadline's last instant.
    """
    start = due_at - timedelta(microseconds=1) if duration.unit in _DAY_UNITS else due_at
    return compute_due(start, duration, calendar)


def due_without_extensions(
    milestone: Milestone, calendar: WorkingCalendar, requested_due_at: datetime | None
) -> tuple[datetime, bool]:
    """(due time, provisional) of ``milestone`` from its rule and pauses alone."""
    return due_from_rule(
        milestone.rule,
        milestone.started_at,
        calendar,
        requested_due_at=requested_due_at,
        paused=[
            (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in milestone.pauses
        ],
    )


def recompute_due(
    milestone: Milestone, calendar: WorkingCalendar, requested_due_at: datetime | None
) -> tuple[datetime, bool]:
    """(due time, provisional) of ``milestone`` from its rule, pauses and extensions."""
    due_at, provisional = due_without_extensions(milestone, calendar, requested_due_at)
    for granted in milestone.rule.get(EXTENSIONS, ()):
        moved = extended_due(due_at, Duration(granted["amount"], Unit(granted["unit"])), calendar)
        due_at, provisional = moved.due_at, provisional or moved.provisional
    return due_at, provisional


#: Seconds per unit of a duration counted in wall time; day units count 24 hours.
_WALL_SECONDS = {"minutes": 60, "hours": 3600, "business_hours": 3600}
_WALL_DAY = 86400


def callback_due(document: PolicyDocument, resolved_at: datetime) -> datetime | None:
    """When the callback reminder of a ticket resolved at ``resolved_at`` falls due: the
    policy's ``callback.after`` in wall time, which is what a reminder needs (a day is 24
    hours); None when the policy asks for no callback."""
    if document.callback is None:
        return None
    after = document.callback.after
    return resolved_at + timedelta(seconds=after.amount * _WALL_SECONDS.get(after.unit, _WALL_DAY))
