"""The retail policy schema: the common document plus what a chain store's procedure
adds (seed 000 §Ⅷ), kept as data until the lifecycle hooks can act on it.

* ``reception_steps``: the six steps of receiving a complaint (art 4), for the desk.
* ``procedures``: what to do for each cause of complaint (art 3 items 1-3), keyed by
  category.
* ``return_confirmation``: who must confirm a return or exchange before it is carried
  out (art 3 item 3, the three-party confirmation), and for which categories.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from plugins.retail.facts import DERIVED_FACTS
from portal.policy.document import Choice, FieldType, Label, PolicyCheck, PolicyDocument

__all__ = ["ConfirmingParty", "Procedure", "RetailPolicy", "ReturnConfirmation"]

_Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,63}$")]
_Department = Annotated[str, StringConstraints(min_length=1, max_length=63)]


class _Setting(BaseModel):
    # As strict as the core document: a typo or a "5000" for 5000 is an error.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, serialize_by_alias=True)


class Procedure(_Setting):
    """The steps for complaints of one category, in order."""

    category: _Key
    steps: Annotated[list[Label], Field(min_length=1)]


class ConfirmingParty(_Setting):
    """One party whose confirmation a return needs: a department, a role, or both."""

    key: _Key
    label: Label
    department: _Department | None = None
    role: _Key | None = None

    @model_validator(mode="after")
    def _someone(self) -> Self:
        if self.department is None and self.role is None:
            raise ValueError("name a department, a role or both")
        return self


class ReturnConfirmation(_Setting):
    """Returns and exchanges of ``categories`` wait for every party's confirmation."""

    categories: Annotated[list[_Key], Field(min_length=1)]
    parties: Annotated[list[ConfirmingParty], Field(min_length=1)]


class RetailPolicy(PolicyDocument):
    reception_steps: list[Choice] = []
    procedures: list[Procedure] = []
    return_confirmation: ReturnConfirmation | None = None

    def fact_types(self) -> dict[str, FieldType]:
        return {**super().fact_types(), **DERIVED_FACTS}

    def cross_check(self, check: PolicyCheck) -> None:
        super().cross_check(check)
        for i, spec in enumerate(self.fields):
            if spec.key in DERIVED_FACTS:
                check.add(("fields", i, "key"), f"'{spec.key}' is computed by the retail sector")
        check.unique("reception_steps")
        seen: set[str] = set()
        for i, procedure in enumerate(self.procedures):
            check.refers(procedure.category, "categories", ("procedures", i, "category"))
            if procedure.category in seen:
                check.add(("procedures", i, "category"), f"'{procedure.category}' is used twice")
            seen.add(procedure.category)
        confirmation = self.return_confirmation
        if confirmation is None:
            return
        for i, category in enumerate(confirmation.categories):
            check.refers(category, "categories", ("return_confirmation", "categories", i))
        parties: set[str] = set()
        for i, party in enumerate(confirmation.parties):
            if party.key in parties:
                loc = ("return_confirmation", "parties", i, "key")
                check.add(loc, f"'{party.key}' is used twice")
            parties.add(party.key)
