"""What each lifecycle action takes as input, validated before anything is done."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


PAYLOADS: dict[str, type[_Payload]] = {
    "accept": Accept,
    "reclassify": Reclassify,
    "assign": Assign,
    "start": Empty,
    "note": Note,
    "wait_customer": Reason,
    "resume": Empty,
    "reply": Reply,
    "resolve": Resolve,
    "callback": Callback,
    "close": Empty,
    "invalidate": Invalidate,
    "reopen": Reason,
    "escalate": Reason,
    "appeal": Reason,
    "rate": Rate,
}
