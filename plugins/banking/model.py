"""The schema of banking policy documents: the core document plus the sector's checks."""

from __future__ import annotations

from plugins.banking.facts import DERIVED_FACT_TYPES
from plugins.banking.policy import DECISION, REVIEW_DECISION
from plugins.banking.review_sample import IndependentReview
from portal.policy.document import FieldType, PolicyCheck, PolicyDocument

# Each kind's statutory deadline, which no tier may drop: the decision (order art 18)
# and the review decision (order art 20).
_REQUIRED_MILESTONES = {"complaint": DECISION, "appeal": REVIEW_DECISION}


class BankingPolicy(PolicyDocument):
    """A banking or insurance tenant's rules."""

    independent_review: IndependentReview | None = None

    def fact_types(self) -> dict[str, FieldType]:
        return {**super().fact_types(), **DERIVED_FACT_TYPES}

    def cross_check(self, check: PolicyCheck) -> None:
        super().cross_check(check)
        for i, spec in enumerate(self.fields):
            if spec.key in DERIVED_FACT_TYPES:
                check.add(("fields", i, "key"), f"'{spec.key}' is a fact the sector derives")
        for kind, name in _REQUIRED_MILESTONES.items():
            if kind not in self.kinds:
                continue
            for i, tier in enumerate(self.tiers):
                if not any(
                    m.name == name and (m.kinds is None or kind in m.kinds) for m in tier.milestones
                ):
                    check.add(
                        ("tiers", i, "milestones"),
                        f"every tier needs the statutory '{name}' milestone for {kind} tickets",
                    )
