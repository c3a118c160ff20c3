"""What each lifecycle action takes as input, validated before anything is done."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from portal.policy.deadlines import Duration, Unit

Text = Field(min_length=1, max_length=5000)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Empty(_Payload):
    pass


class Accept(_Payload):
    tier: str | None = Field(None, max_length=63)
    reason: str | None = Field(None, max_length=2000)


class Reclassify(_Payload):
    tier: str = Field(min_length=1, max_length=63)
    reason: str = Field(min_length=1, max_length=2000)


class Assign(_Payload):
    department_id: int | None = Field(None, ge=1)
    assignee_id: int | None = Field(None, ge=1)


class Note(_Payload):
    text: str = Text


class Reason(_Payload):
    reason: str = Field(min_length=1, max_length=2000)


class Reply(_Payload):
    message: str = Text


class Resolve(_Payload):
    summary: str = Field("", max_length=5000)


class Callback(_Payload):
    """The satisfaction call (回访): solved? attitude? charged? score 1-10."""

    solved: bool
    attitude: Literal["satisfied", "neutral", "unsatisfied"]
    charged: bool | None = None
    score: int = Field(ge=1, le=10)
    comment: str = Field("", max_length=2000)


class Rate(_Payload):
    """The customer's rating of the answer on the tracking page."""

    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class Invalidate(_Payload):
    reason: str = Field(min_length=1, max_length=63)
    comment: str = Field("", max_length=2000)


class Extend(_Payload):
    """A request to move a deadline (延期): the milestone, why, and either its new due
    time or an amount of a unit to add to the current one."""

    milestone: str = Field(min_length=1, max_length=63)
    due_at: AwareDatetime | None = None
    amount: int | float | None = Field(None, gt=0, le=100_000)  # le: no overflow in any unit
    unit: Unit | None = None
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _one_way_to_say_it(self) -> Self:
        by_amount = self.amount is not None or self.unit is not None
        if self.due_at is not None and by_amount:
            raise ValueError("give either a new due time or an amount and a unit, not both")
        if self.due_at is None and (self.amount is None or self.unit is None):
            raise ValueError("give a new due time, or an amount and a unit")
        if self.unit is Unit.REQUESTED:
            raise ValueError("an extension cannot be the customer's requested deadline")
        if self.amount is not None and self.unit is not None:
            Duration(self.amount, self.unit)  # refuses a part of a whole-day unit
        return self

    @property
    def duration(self) -> Duration:
        """The amount to add to the current due time, when no new due time is given."""
        assert self.amount is not None and self.unit is not None, "a due time was given"
        return Duration(self.amount, self.unit)


class ExtensionDecision(_Payload):
    milestone: str = Field(min_length=1, max_length=63)
    comment: str = Field("", max_length=2000)


class Confirm(_Payload):
    """A named party agrees to what is proposed (e.g. a return of goods); the sector's
    policy says which parties exist and which actions wait for them."""

    party: str = Field(pattern=r"^[a-z0-9_]{1,63}$")
    note: str = Field("", max_length=2000)


class LinkRepeat(_Payload):
    """The number of the earlier ticket this one repeats (重复投诉)."""

    related_ticket: str = Field(min_length=1, max_length=32)


PAYLOADS: dict[str, type[_Payload]] = {
    "accept": Accept,
    "reclassify": Reclassify,
    "assign": Assign,
    "start": Empty,
    "note": Note,
    "link_repeat": LinkRepeat,
    "confirm": Confirm,
    "new_facts": Note,
    "wait_customer": Reason,
    "resume": Empty,
    "reply": Reply,
    "resolve": Resolve,
    "callback": Callback,
    "close": Empty,
    "invalidate": Invalidate,
    "reopen": Reason,
    "escalate": Reason,
    "extend": Extend,
    "approve_extension": ExtensionDecision,
    "refuse_extension": ExtensionDecision,
    "appeal": Reason,
    "rate": Rate,
}
