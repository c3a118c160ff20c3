"""Every shape the JSON API reads or writes, in one place.

The route table (:mod:`portal.api.routes`) names these models for each operation; the
same models validate requests and generate ``/api/v1/openapi.json``, so the document
cannot drift from the code. Ticket creation and the lifecycle actions reuse the
workflow's own input models, so the API accepts exactly what the workflow accepts.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Self, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)

from portal.workflow.actions import ACTIONS, STAFF
from portal.workflow.intake import TicketIn
from portal.workflow.payloads import PAYLOADS
from portal.workflow.states import Kind, Status

# --- input ------------------------------------------------------------------------------

#: The core refuses a NUL anywhere in a path or query (portal.guards); say so up front.
NO_NUL = r"^[^\x00]*$"

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _plausible(value: datetime) -> datetime:
    # An aware time near year 1 or 9999 overflows when moved to UTC, deep inside the
    # database layer; refuse it here, where the client can be told which field it was.
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError("must be between 1970 and 2199")
    return value


def _iso_text(value: object) -> object:
    # Left alone, pydantic also reads numbers and numeric text ("0.5") as Unix times;
    # the contract says ISO-8601, and a number here is far likelier a client's bug.
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise ValueError("must be an ISO-8601 time with a UTC offset")


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_plausible)]


def _iso_field(cls: type, value: object) -> object:
    return _iso_text(value)


def _plausible_field(cls: type, value: datetime | None) -> datetime | None:
    return None if value is None else _plausible(value)


def _time_checks(model: type[BaseModel]) -> dict[str, Any]:
    """Validators that hold ``model``'s inherited time fields to the rules of Moment."""
    names = [
        name
        for name, field in model.model_fields.items()
        if {datetime, AwareDatetime} & {field.annotation, *get_args(field.annotation)}
    ]
    if not names:
        return {}
    return {
        "_iso_times": field_validator(*names, mode="before")(_iso_field),
        "_plausible_times": field_validator(*names)(_plausible_field),
    }


def _with_descriptions(notes: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    """A json_schema_extra that documents inherited fields without redeclaring them."""

    def add(schema: dict[str, Any]) -> None:
        for name, note in notes.items():
            schema["properties"][name]["description"] = note

    return add


class TicketCreate(TicketIn):
    """A new ticket. Sector ``fields``, ``kind``, ``channel`` and ``category`` are
    checked against the tenant's active policy; every problem is reported at once."""

    model_config = ConfigDict(
        json_schema_extra=_with_descriptions(
            {
                "kind": "One of the kinds the tenant's policy handles.",
                "channel": "A channel key of the tenant's policy (phone, web, ...).",
                "subject": "A one-line summary.",
                "customer": "The complainant; phone or email is what makes a complaint answerable.",
                "category": "A category key of the tenant's policy.",
                "fields": "The sector's ticket fields (amount, personal_injury, ...), "
                "validated against the tenant's sector schema.",
                "occurred_at": "When the matter happened, with a UTC offset.",
                "requested_due_at": "The deadline the customer asked for, if any.",
                "related_ticket": "The number of an earlier ticket this one follows.",
            }
        ),
    )

    _iso_times = field_validator("occurred_at", "requested_due_at", mode="before")(_iso_field)
    _plausible_times = field_validator("occurred_at", "requested_due_at")(_plausible_field)


class CreateHeaders(BaseModel):
    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description="Any unique string (a UUID is ideal). Retrying a creation with the same "
        "key and body answers with the first ticket instead of creating another.",
    )
    actor: str | None = Field(
        None,
        alias="X-Tousu-User",
        min_length=3,
        max_length=254,
        description="Email of the staff member who took the complaint; they become its "
        "first responder (首问负责).",
    )


class ActionHeaders(BaseModel):
    actor: str = Field(
        alias="X-Tousu-User",
        min_length=3,
        max_length=254,
        description="Email of the active staff member on whose behalf the action is taken; "
        "their role decides what they may do, and the timeline names them.",
    )
    if_match: str | None = Field(
        None,
        alias="If-Match",
        pattern=r'^(W/)?("[0-9]{1,9}"|[0-9]{1,9})$',
        description="The ticket version (its ETag) the action was decided on; "
        "409 if the ticket changed since.",
    )

    @property
    def expected_version(self) -> int | None:
        if self.if_match is None:
            return None
        return int(self.if_match.removeprefix("W/").strip('"'))


def page_token(after_id: int) -> str:
    """The opaque ``page`` value that continues a listing after ticket ``after_id``."""
    return base64.urlsafe_b64encode(f"after:{after_id}".encode()).decode().rstrip("=")


def _read_page_token(token: object) -> object:
    if token is None or not isinstance(token, str):
        return token
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != "after" or not number.isdigit() or len(number) > 18:
        raise ValueError("is not a page token from a `next` link")
    return int(number)


PageToken = Annotated[
    int,
    BeforeValidator(_read_page_token),
    WithJsonSchema(
        {"type": "string", "maxLength": 64, "description": "Opaque; copy it from `next`."}
    ),
]


class TicketQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = Field(None, description="Only tickets in this state.")
    tier: str | None = Field(
        None, max_length=63, pattern=NO_NUL, description="Only tickets of this tier key."
    )
    kind: Kind | None = Field(None, description="Only tickets of this kind.")
    breached: bool | None = Field(None, description="Only tickets with (or without) a breach.")
    updated_since: Moment | None = Field(
        None,
        description="Only tickets changed at or after this time (encode `+` as %2B).",
    )
    page: PageToken | None = Field(None, description="Where to continue: copy `next`.")
    limit: int = Field(50, ge=1, le=100, description="Tickets per page.")


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(
        min_length=1,
        max_length=31,
        pattern=NO_NUL,
        description="The report's period, e.g. 2026-Q3.",
    )


VERSION_NOTE = (
    "The ticket version the action was decided on (or send If-Match); "
    "409 if someone changed the ticket since."
)


class AssignAction(BaseModel):
    """Give the ticket to a department, a person, or both. The API names them by
    department code and staff email, which a client system knows, not by internal id."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department: str | None = Field(None, min_length=1, max_length=63, description="Code.")
    assignee: str | None = Field(None, min_length=3, max_length=254, description="Email.")
    version: int | None = Field(None, ge=1, description=VERSION_NOTE)

    @model_validator(mode="after")
    def _someone(self) -> Self:
        if self.department is None and self.assignee is None:
            raise ValueError("name a department, an assignee, or both")
        return self


def _action_body(name: str) -> type[BaseModel]:
    base = PAYLOADS[name]
    title = "".join(part.title() for part in name.split("_")) + "Action"
    model: type[BaseModel] = create_model(
        title,
        __base__=base,
        __doc__=base.__doc__,
        __validators__=_time_checks(base),
        version=(int | None, Field(None, ge=1, description=VERSION_NOTE)),
    )
    return model


#: The request body of each lifecycle action the API offers, by action name. The API
#: acts for staff, so actions only a customer takes (on the customer pages) are left out.
ACTION_BODIES: dict[str, type[BaseModel]] = {
    name: AssignAction if name == "assign" else _action_body(name)
    for name, action in ACTIONS.items()
    if action.roles & STAFF
}


# --- output -----------------------------------------------------------------------------


class Classification(BaseModel):
    validity: str = Field(description="valid or invalid (无效投诉).")
    validity_reasons: list[str] = Field(description="Reason codes when invalid.")
    channel_level: str | None = Field(description="Where it entered the sector's hierarchy.")
    tier: str | None = Field(description="The tier key of the tenant's policy.")
    score: float | None = Field(description="The score, when the policy scores.")
    reasons: list[str] = Field(description="Why the policy decided so, in words.")


class MilestoneOut(BaseModel):
    name: str
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    breached: bool
    provisional: bool = Field(
        description="Computed on a holiday calendar not yet officially published."
    )
    paused_at: datetime | None = Field(description="Set while the clock waits on the customer.")
    cancelled_at: datetime | None = Field(description="Set when the ticket ended before it.")


class CustomerOut(BaseModel):
    name: str | None
    phone: str | None
    email: str | None
    anonymous: bool


class TicketOut(BaseModel):
    number: str
    status: Status
    kind: Kind
    policy_version: int | None = Field(description="The policy version that classified it.")
    classification: Classification
    milestones: list[MilestoneOut]
    channel: str
    category: str | None
    subject: str
    description: str
    customer: CustomerOut | None
    fields: dict[str, Any]
    department: str | None = Field(description="Code of the responsible department.")
    assignee: str | None = Field(description="Email of the assigned staff member.")
    escalation_level: int
    breached: bool
    next_due_at: datetime | None
    occurred_at: datetime | None
    requested_due_at: datetime | None
    related_ticket: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int = Field(description="Bumped by every change; send it back to act safely.")


class EventOut(BaseModel):
    type: str = Field(description="created, or the action taken.")
    at: datetime
    actor: str | None = Field(description="Email of who did it; null for the system.")
    data: dict[str, Any]
    public: bool = Field(description="Shown to the customer on the tracking page.")


class TicketDetail(TicketOut):
    events: list[EventOut]


class TicketPage(BaseModel):
    items: list[TicketOut] = Field(description="Newest first.")
    next: str | None = Field(description="The URL of the next page; null on the last.")


class ReportOut(BaseModel):
    kind: str
    period: str
    created_at: datetime
    figures: dict[str, Any]


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable, machine-readable.")
    message: str = Field(description="For people, in the request's language.")
    details: dict[str, Any] = Field(description="For validation errors: message by field.")


class ErrorResponse(BaseModel):
    error: ErrorInfo
