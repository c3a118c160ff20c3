"""The schema of property policies: the core document plus the sector's derived facts."""

from __future__ import annotations

from typing import Final

from plugins.property.facts import FACT_TYPES
from portal.policy.document import FieldType, PolicyCheck, PolicyDocument

#: The milestone name that carries the satisfaction call's deadline in every tier.
CALLBACK: Final = "callback"


class PropertyPolicy(PolicyDocument):
    """A property-management policy document."""

    def fact_types(self) -> dict[str, FieldType]:
        return {**super().fact_types(), **FACT_TYPES}

    def cross_check(self, check: PolicyCheck) -> None:
        """Besides the core checks: the tiers' callback milestones say what ``callback``
        says (seed 003 §4.3), so the deadline tracked and the rule shown never differ."""
        super().cross_check(check)
        within = self.callback.within if self.callback else None
        for i, tier in enumerate(self.tiers):
            for j, milestone in enumerate(tier.milestones):
                if milestone.name != CALLBACK:
                    continue
                loc = ("tiers", i, "milestones", j)
                if milestone.start != "resolved":
                    check.add((*loc, "start"), "a callback follows resolution: use 'resolved'")
                duration = milestone.duration
                if within and (duration.amount, duration.unit) != (within.amount, within.unit):
                    check.add(
                        (*loc, "duration"),
                        f"must equal callback.within ({within.amount} {within.unit})",
                    )
