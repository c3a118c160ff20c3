"""The telecom policy schema: the core document plus the facts this sector derives."""

from __future__ import annotations

from collections.abc import Iterator

from plugins.telecom.facts import DERIVED_FACTS
from portal.policy.document import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    FieldType,
    Flag,
    Negation,
    PolicyCheck,
    PolicyDocument,
)

Loc = tuple[str | int, ...]


class TelecomPolicy(PolicyDocument):
    """Conditions may test the derived facts of :mod:`plugins.telecom.facts`, provided the
    fields they are computed from are declared with a fitting type."""

    def fact_types(self) -> dict[str, FieldType]:
        return {**super().fact_types(), **{fact.name: fact.type for fact in DERIVED_FACTS}}

    def cross_check(self, check: PolicyCheck) -> None:
        super().cross_check(check)
        derived = {fact.name: fact for fact in DERIVED_FACTS}
        for i, spec in enumerate(self.fields):
            if spec.key in derived:
                check.add(
                    ("fields", i, "key"), f"'{spec.key}' is a fact the telecom sector derives"
                )
        types = {spec.key: spec.type for spec in self.fields}
        for loc, name in self._tested_facts():
            fact = derived.get(name)
            if fact is None:
                continue
            missing = [key for key, allowed in fact.inputs.items() if types.get(key) not in allowed]
            if missing:
                needs = ", ".join(f"'{key}'" for key in missing)
                check.add(loc, f"'{name}' is computed from the field(s) {needs}, which are missing")

    def _tested_facts(self) -> Iterator[tuple[Loc, str]]:
        for i, rule in enumerate(self.invalid_rules):
            yield from _facts_in(rule.when, ("invalid_rules", i, "when"))
        for i, tier in enumerate(self.tiers):
            if tier.when is not None:
                yield from _facts_in(tier.when, ("tiers", i, "when"))
        for i, score in enumerate(self.scoring.rules if self.scoring else ()):
            yield from _facts_in(score.when, ("scoring", "rules", i, "when"))


def _facts_in(condition: Condition, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(condition, Comparison):
        yield (*loc, "field"), condition.field
    elif isinstance(condition, Flag):
        yield (*loc, "flag"), condition.flag
    elif isinstance(condition, AllOf):
        for i, part in enumerate(condition.all_):
            yield from _facts_in(part, (*loc, "all", i))
    elif isinstance(condition, AnyOf):
        for i, part in enumerate(condition.any_):
            yield from _facts_in(part, (*loc, "any", i))
    elif isinstance(condition, Negation):
        yield from _facts_in(condition.not_, (*loc, "not"))
