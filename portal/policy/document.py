"""The policy document: a tenant's rules as validated data, the same shape for every sector.

A sector's policy schema is a subclass of :class:`PolicyDocument` that adds its own
options; its default policy and every version an admin saves go through
:func:`validate_policy`, which reports *every* problem at once with its path
("tiers[1].milestones[0].duration.amount"), so the editor can mark each of them.

Criteria are data (design.md, "Policies are data"): a :data:`Condition` is a small
JSON object, never code. A condition tests a *fact*: a field the sector declares in
``fields`` or one of the built-in facts every ticket has (:data:`BUILTIN_FACTS`):

============================  ========  ===============================================
``kind``                      choice    inquiry, consultation, fault, complaint, appeal
``channel``                   choice    one of the policy's ``channels``
``channel_level``             choice    the level of the ticket's channel
``category``                  choice    one of the policy's ``categories``
``customer.anonymous``        boolean   the complainant gave no identity
``has_contact``               boolean   the ticket carries a way to reach the customer
``repeat_count``              integer   tickets of this customer about this matter,
                                        this one included (1 = first time)
============================  ========  ===============================================

A sector field may not reuse a built-in fact's name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, Self, TypeVar, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "BUILTIN_FACTS",
    "AllOf",
    "AnyOf",
    "AutoClose",
    "BatchRule",
    "Callback",
    "ChannelSpec",
    "Choice",
    "Comparison",
    "Condition",
    "Duration",
    "EscalationLevel",
    "Extension",
    "FieldSpec",
    "FieldType",
    "FixedDuration",
    "Flag",
    "InvalidRule",
    "Kind",
    "Label",
    "Locale",
    "MilestoneRule",
    "Negation",
    "OccurredMoreThan",
    "Period",
    "PolicyCheck",
    "PolicyDocument",
    "PolicyInvalid",
    "Problem",
    "RepeatWindow",
    "Repeats",
    "ScoreRule",
    "Scoring",
    "Threshold",
    "Tier",
    "as_date",
    "validate_fields",
    "validate_policy",
]

Locale = Literal["en", "zh"]
Kind = Literal["inquiry", "consultation", "fault", "complaint", "appeal"]
FieldType = Literal["number", "integer", "string", "boolean", "date", "choice"]
#: The same strings as ``portal.policy.deadlines.Unit``.
Unit = Literal[
    "minutes",
    "hours",
    "business_hours",
    "calendar_days",
    "working_days",
    "end_of_business_day",
    "requested",
]
Start = Literal["created", "accepted", "classified", "escalated", "resolved", "replied"]
#: An action that meets a milestone; ``confirm:PARTY`` is a confirmation by that party
#: (a report to an outside body, recorded as that body's confirmation).
MetBy = (
    Literal["accept", "assign", "reply", "resolve", "callback", "close"]
    | Annotated[str, StringConstraints(pattern=r"^confirm:[a-z0-9_]{1,63}$")]
)
Operator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not_in", "contains"]

# Units the deadline calculator only takes whole amounts of.
_WHOLE_UNITS = frozenset({"calendar_days", "working_days", "end_of_business_day"})

BUILTIN_FACTS: Final[Mapping[str, FieldType]] = MappingProxyType(
    {
        "kind": "choice",
        "channel": "choice",
        "channel_level": "choice",
        "category": "choice",
        "customer.anonymous": "boolean",
        "has_contact": "boolean",
        "repeat_count": "integer",
    }
)
# Where the allowed values of the built-in choice facts are listed in the document.
_BUILTIN_CHOICES: Final = MappingProxyType(
    {
        "kind": "kinds",
        "channel": "channels",
        "channel_level": "channel_levels",
        "category": "categories",
    }
)

_OPERATORS_BY_TYPE: Final[Mapping[FieldType, frozenset[str]]] = MappingProxyType(
    {
        "number": frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not_in"}),
        "integer": frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not_in"}),
        "date": frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not_in"}),
        "string": frozenset({"==", "!=", "in", "not_in", "contains"}),
        "choice": frozenset({"==", "!=", "in", "not_in"}),
        "boolean": frozenset({"==", "!="}),
    }
)

Loc = tuple[str | int, ...]

# Error types: a problem inside one object, and one across the document.
_LOCAL = "policy_value"
_CROSS = "policy_reference"
# Validation-context key: keys of list items left out because they are malformed.
_PRUNED = "tousu_pruned_keys"


# --- problems -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a document: where (``tiers[1].when.value``) and what."""

    path: str
    message: str


class PolicyInvalid(ValueError):
    """A policy document with problems; ``problems`` lists all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path or '(document)'}: {p.message}" for p in problems))


def _error(title: str, problems: Iterable[tuple[Loc, str]], kind: str) -> ValidationError:
    """A ValidationError with one line per problem; raised inside a validator, pydantic
    prefixes each location with the position of the object being validated."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(kind, "{message}", {"message": message}),
                loc=loc,
                input=None,
            )
            for loc, message in problems
        ],
    )


def _raise_if(model: BaseModel, problems: list[tuple[Loc, str]]) -> None:
    if problems:
        raise _error(type(model).__name__, problems, _LOCAL)


# --- small value types ----------------------------------------------------------------

_KEY = re.compile(r"[a-z0-9_]{1,63}")


def _key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise ValueError("must be 1-63 lowercase letters, digits or underscores")
    return value


def _number(value: object) -> int | float:
    """JSON numbers only (no booleans, strings or NaN); ints stay ints so a saved
    document reads back exactly as written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _positive(value: int | float) -> int | float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _share(value: int | float) -> int | float:
    if not 0 < value < 1:
        raise ValueError("must be between 0 and 1 (exclusive)")
    return value


def _scalar(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int)  # bool is an int


def _compared_value(value: object) -> object:
    if _scalar(value) or (isinstance(value, list) and all(_scalar(v) for v in value)):
        return value
    raise ValueError("must be a string, number, boolean or a list of them")


Key = Annotated[
    str,
    AfterValidator(_key),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9_]{1,63}$"}),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Number = Annotated[int | float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
PositiveNumber = Annotated[Number, AfterValidator(_positive)]
ComparedValue = Annotated[
    Any,
    PlainValidator(_compared_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
            ]
        }
    ),
]


class _Model(BaseModel):
    """Strict, closed and immutable: a typo in a key or a "5000" for 5000 is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, serialize_by_alias=True)


class Label(_Model):
    """A name shown to people, in both languages the portal speaks."""

    en: Text
    zh: Text

    def text(self, locale: Locale) -> str:
        return self.zh if locale == "zh" else self.en


class Choice(_Model):
    key: Key
    label: Label


def _duplicates(keys: Iterable[str], loc: Loc, field: str | None = "key") -> list[tuple[Loc, str]]:
    """A problem at each repeated key (the first occurrence is the one kept); ``field``
    is where the key sits in each item, None when the items are the keys."""
    seen: set[str] = set()
    problems: list[tuple[Loc, str]] = []
    for i, key in enumerate(keys):
        if key in seen:
            at: Loc = (*loc, i) if field is None else (*loc, i, field)
            problems.append((at, f"'{key}' is used twice"))
        seen.add(key)
    return problems


# --- fields ---------------------------------------------------------------------------


class FieldSpec(_Model):
    """One ticket field the sector adds (amount, product, incident date, ...)."""

    key: Key
    label: Label
    type: FieldType
    required: bool = False
    choices: list[Choice] = []
    min: Number | None = None
    max: Number | None = None
    max_length: Annotated[int, Field(gt=0)] | None = None
    public: bool = True
    """Asked on the customer pages; false for what staff judge (in scope, complex, ...)."""

    @model_validator(mode="after")
    def _options_fit_type(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        if self.type == "choice" and not self.choices:
            problems.append((("choices",), "a choice field needs at least one choice"))
        if self.type != "choice" and self.choices:
            problems.append((("choices",), "only choice fields have choices"))
        problems += _duplicates((c.key for c in self.choices), ("choices",))
        numeric = self.type in ("number", "integer")
        for bound in ("min", "max"):
            if getattr(self, bound) is not None and not numeric:
                problems.append(((bound,), f"only number and integer fields have a {bound}"))
        if numeric and self.min is not None and self.max is not None and self.min > self.max:
            problems.append((("max",), f"must not be below min ({self.min})"))
        if self.max_length is not None and self.type != "string":
            problems.append((("max_length",), "only string fields have a max_length"))
        _raise_if(self, problems)
        return self


def _field_problem(spec: FieldSpec, value: object) -> str | None:
    """What is wrong with one present (non-None) value of a field, if anything."""
    kind = spec.type
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if kind == "integer" and not isinstance(value, int):
            return "must be a whole number"
        if spec.min is not None and value < spec.min:
            return f"must be at least {spec.min}"
        if spec.max is not None and value > spec.max:
            return f"must be at most {spec.max}"
    elif kind == "string":
        if not isinstance(value, str):
            return "must be text"
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"must be at most {spec.max_length} characters"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind == "date":
        if as_date(value) is None:
            return "must be a date written YYYY-MM-DD"
    elif value not in [c.key for c in spec.choices]:
        return "must be one of: " + ", ".join(c.key for c in spec.choices)
    return None


def as_date(value: object) -> date | None:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` string (how JSON carries it)."""
    if isinstance(value, date):
        return None if isinstance(value, datetime) else value  # a moment is not a date
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def validate_fields(values: Mapping[str, object], specs: Sequence[FieldSpec]) -> dict[str, str]:
    """The problems of a ticket's ``fields`` by field key; empty when they are fine.

    A key no spec declares is an error (a misspelt field would otherwise be silently
    ignored by every criterion). ``None``, and blank text, count as absent, which is only
    a problem for a required field. The shape fits ``portal.validation.InvalidInput``.
    """
    declared = {spec.key: spec for spec in specs}
    problems = {key: "unknown field" for key in values if key not in declared}
    for key, spec in declared.items():
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                problems[key] = "is required"
            continue
        problem = _field_problem(spec, value)
        if problem:
            problems[key] = problem
    return problems


# --- conditions -----------------------------------------------------------------------


class _ConditionBase(_Model):
    label: Label | None = None
    """The reason shown when the condition decides; generated from the condition if absent."""


class Comparison(_ConditionBase):
    """``{"field": "amount", "op": ">=", "value": 5000}``; false when the field is absent."""

    field: str
    op: Operator
    value: ComparedValue

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        listed = isinstance(self.value, list)
        if self.op in ("in", "not_in") and not (listed and self.value):
            _raise_if(self, [(("value",), f"'{self.op}' needs a non-empty list of values")])
        if self.op not in ("in", "not_in") and listed:
            _raise_if(self, [(("value",), f"'{self.op}' compares with one value, not a list")])
        if self.op == "contains" and not (isinstance(self.value, str) and self.value):
            _raise_if(self, [(("value",), "'contains' needs non-empty text")])
        return self


class Flag(_ConditionBase):
    """``{"flag": "personal_injury"}``: a boolean fact is true."""

    flag: str


class AllOf(_ConditionBase):
    all_: Annotated[list[Condition], Field(alias="all", min_length=1)]


class AnyOf(_ConditionBase):
    any_: Annotated[list[Condition], Field(alias="any", min_length=1)]


class Negation(_ConditionBase):
    not_: Annotated[Condition, Field(alias="not")]


class Period(_Model):
    amount: Annotated[int, Field(gt=0)]
    unit: Literal["days", "months", "years"]


class OccurredMoreThan(_ConditionBase):
    """The incident happened more than a period before the reference time.

    Counted in calendar dates in the time zone of ``occurred_at``, like a legal period
    (Civil Code arts 201-202): an incident on 2026-01-31 is more than 5 months old from
    2026-07-01 on (5 months end on 06-30, the month having no 31st). A ticket without
    ``occurred_at`` does not match.
    """

    occurred_more_than: Period


class RepeatWindow(_Model):
    at_least: Annotated[int, Field(ge=2)]
    within_days: Annotated[int, Field(gt=0)]


class Repeats(_ConditionBase):
    """The same customer complained about the same matter at least ``at_least`` times,
    this ticket included, within the last ``within_days`` x 24 hours."""

    repeats: RepeatWindow


_TAGS: Final = MappingProxyType(
    {
        "field": "comparison condition",
        "flag": "flag condition",
        "all": "all condition",
        "any": "any condition",
        "not": "not condition",
        "occurred_more_than": "occurred condition",
        "repeats": "repeats condition",
    }
)
_TAG_OF_TYPE: Final[Mapping[type, str]] = MappingProxyType(
    {
        Comparison: "comparison condition",
        Flag: "flag condition",
        AllOf: "all condition",
        AnyOf: "any condition",
        Negation: "not condition",
        OccurredMoreThan: "occurred condition",
        Repeats: "repeats condition",
    }
)
# Tags appear in pydantic's error locations; they contain a space, which no key can.
_TAG_NAMES: Final = frozenset(_TAGS.values())


def _condition_tag(value: object) -> str | None:
    if isinstance(value, Mapping):
        tags = [tag for key, tag in _TAGS.items() if key in value]
        return tags[0] if len(tags) == 1 else None
    return _TAG_OF_TYPE.get(type(value))


Condition = Annotated[
    Annotated[Comparison, Tag("comparison condition")]
    | Annotated[Flag, Tag("flag condition")]
    | Annotated[AllOf, Tag("all condition")]
    | Annotated[AnyOf, Tag("any condition")]
    | Annotated[Negation, Tag("not condition")]
    | Annotated[OccurredMoreThan, Tag("occurred condition")]
    | Annotated[Repeats, Tag("repeats condition")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is an object with exactly one of: " + ", ".join(_TAGS),
    ),
]
for _composite in (AllOf, AnyOf, Negation):
    _composite.model_rebuild()


# --- deadlines ------------------------------------------------------------------------


class Duration(_Model):
    """An amount of a deadline unit; day units and ``end_of_business_day`` count whole
    numbers (as ``portal.policy.deadlines.Duration`` requires)."""

    amount: PositiveNumber
    unit: Unit

    @model_validator(mode="after")
    def _whole_days(self) -> Self:
        if self.unit in _WHOLE_UNITS and self.amount != int(self.amount):
            _raise_if(self, [(("amount",), f"{self.unit} are counted in whole numbers")])
        return self


class FixedDuration(Duration):
    """A duration that cannot be the customer's request (extensions, callbacks)."""

    @model_validator(mode="after")
    def _not_requested(self) -> Self:
        if self.unit == "requested":
            _raise_if(self, [(("unit",), "'requested' only applies to a milestone's duration")])
        return self


class MilestoneRule(_Model):
    """A deadline a tier sets: ``name`` is due ``duration`` after the ``start`` event.

    With the unit ``requested`` the amount is not used: the customer's requested deadline
    applies, and ``default`` when there is none (a request may only shorten ``default``
    unless the document's ``requested_deadline_may_lengthen``).
    """

    name: Key
    start: Start
    duration: Duration
    default: FixedDuration | None = None
    pausable: bool = False
    restart_on_new_facts: bool | None = None
    """When true, the customer's new facts or reasons (the ``new_facts`` action) start it again
    from that moment (a sector whose rules recount a deadline on new facts)."""
    kinds: Annotated[list[Kind], Field(min_length=1)] | None = None
    """The kinds of ticket it applies to; all kinds when absent."""
    met_by: Annotated[list[MetBy], Field(min_length=1)] | None = None
    """The lifecycle actions that meet it (``confirm:PARTY``: a ``confirm`` action naming
    that party). When absent it follows its name:
    ``first_response`` by accept or reply, ``forward`` by assign, ``reply`` by reply,
    ``resolve`` by resolve, ``callback`` by callback; any other name by resolve."""
    label: Label | None = None

    @model_validator(mode="after")
    def _default_iff_requested(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        if self.duration.unit == "requested" and self.default is None:
            problems.append((("default",), "a requested deadline needs a default duration"))
        if self.duration.unit != "requested" and self.default is not None:
            problems.append((("default",), "only a requested deadline has a default"))
        problems += _duplicates(self.kinds or (), ("kinds",), None)
        _raise_if(self, problems)
        return self


class Extension(_Model):
    """Who may move a deadline and by how much at most. Core roles are ``supervisor``
    and ``tenant_admin``; a sector may name its own."""

    approver_role: Key
    max: FixedDuration


class Tier(_Model):
    """A severity level; ``when`` selects it unless the document scores."""

    key: Key
    label: Label
    when: Condition | None = None
    milestones: list[MilestoneRule] = []
    escalation_target: Key | None = None
    extension: Extension | None = None

    @model_validator(mode="after")
    def _one_milestone_per_name_and_kind(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        for j, later in enumerate(self.milestones):
            for earlier in self.milestones[:j]:
                if earlier.name == later.name and _overlap(earlier.kinds, later.kinds):
                    problems.append(
                        (
                            ("milestones", j, "name"),
                            f"'{later.name}' is already set for the same kinds of ticket",
                        )
                    )
                    break
        _raise_if(self, problems)
        return self


def _overlap(a: list[Kind] | None, b: list[Kind] | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


class ScoreRule(_Model):
    when: Condition
    points: Number
    label: Label


class Threshold(_Model):
    """A score of at least ``min_score`` reaches ``tier``."""

    tier: Key
    min_score: Number


class Scoring(_Model):
    """Points instead of judgement (seed 002 §7): the tier is that of the highest
    threshold the summed points reach, else the document's default tier."""

    rules: Annotated[list[ScoreRule], Field(min_length=1)]
    thresholds: Annotated[list[Threshold], Field(min_length=1)]


class InvalidRule(_Model):
    """A ticket matching ``when`` is invalid for ``reason`` (a validity reason key)."""

    reason: Key
    when: Condition


class ChannelSpec(_Model):
    key: Key
    label: Label
    level: Key


class EscalationLevel(_Model):
    key: Key
    label: Label
    department: Annotated[str, StringConstraints(min_length=1, max_length=63)] | None = None
    role: Key | None = None


class Callback(_Model):
    """The satisfaction call: not before ``after`` resolution, and within ``within``."""

    after: FixedDuration
    within: FixedDuration


class BatchRule(_Model):
    """Batch complaints (批量投诉): ``at_least`` tickets of ``kinds`` with equal values of
    every one of ``fields`` (``category`` or a field of the policy), received within
    ``within_hours`` of one another, are grouped and the supervisors told once."""

    at_least: Annotated[int, Field(ge=2)]
    within_hours: PositiveNumber
    fields: Annotated[list[str], Field(min_length=1)]
    kinds: Annotated[list[Kind], Field(min_length=1)] = ["complaint"]


class AutoClose(_Model):
    """Close a ticket left waiting on the customer (``pending_customer``) for longer
    than ``pending_customer_hours`` wall-clock hours, with a note on its timeline."""

    pending_customer_hours: PositiveNumber


# --- the document ---------------------------------------------------------------------


class PolicyDocument(_Model):
    """A tenant's rules. Sectors subclass it to add options, and extend
    :meth:`cross_check` (calling ``super()``) to check those against the rest."""

    schema_version: Literal[1] = 1
    fields: list[FieldSpec] = []
    kinds: Annotated[list[Kind], Field(min_length=1)]
    validity_reasons: list[Choice] = []
    invalid_rules: list[InvalidRule] = []
    channel_levels: list[Choice] = []
    channels: list[ChannelSpec] = []
    categories: list[Choice] = []
    tiers: Annotated[list[Tier], Field(min_length=1)]
    """Most severe first."""
    default_tier: Key
    scoring: Scoring | None = None
    escalation_chain: list[EscalationLevel] = []
    warn_at_share: Annotated[Number, AfterValidator(_share)] = 0.8
    callback: Callback | None = None
    requested_deadline_may_lengthen: bool = False
    batch: BatchRule | None = None
    auto_close: AutoClose | None = None

    def fact_types(self) -> dict[str, FieldType]:
        """The type of everything a condition may test: built-in facts and fields."""
        return {**BUILTIN_FACTS, **{spec.key: spec.type for spec in self.fields}}

    def cross_check(self, check: PolicyCheck) -> None:
        """Report what no single object can see: keys, references, criteria vs fields."""
        for section in (
            "fields",
            "validity_reasons",
            "channel_levels",
            "channels",
            "categories",
            "tiers",
            "escalation_chain",
        ):
            check.unique(section)
        check.unique("kinds")
        for i, spec in enumerate(self.fields):
            if spec.key in BUILTIN_FACTS:
                check.add(("fields", i, "key"), f"'{spec.key}' is a built-in fact")
        for i, rule in enumerate(self.invalid_rules):
            check.refers(rule.reason, "validity_reasons", ("invalid_rules", i, "reason"))
            check.condition(rule.when, ("invalid_rules", i, "when"))
        for i, channel in enumerate(self.channels):
            check.refers(channel.level, "channel_levels", ("channels", i, "level"))
        for i, tier in enumerate(self.tiers):
            if tier.when is not None:
                check.condition(tier.when, ("tiers", i, "when"))
            if tier.escalation_target is not None:
                loc: Loc = ("tiers", i, "escalation_target")
                check.refers(tier.escalation_target, "escalation_chain", loc)
            for j, milestone in enumerate(tier.milestones):
                for k, kind in enumerate(milestone.kinds or ()):
                    check.refers(kind, "kinds", ("tiers", i, "milestones", j, "kinds", k))
        check.refers(self.default_tier, "tiers", ("default_tier",))
        if self.batch is not None:
            self._check_batch(self.batch, check)
        if self.scoring is not None:
            self._check_scoring(self.scoring, check)

    def _check_batch(self, batch: BatchRule, check: PolicyCheck) -> None:
        """Batch fields are what tickets carry as values: the category or a field."""
        groupable = {"category", *(spec.key for spec in self.fields)}
        check.problems += _duplicates(batch.fields, ("batch", "fields"), None)
        for i, name in enumerate(batch.fields):
            if name not in groupable:
                listed = ", ".join(sorted(groupable))
                check.add(("batch", "fields", i), f"'{name}' is not a field to group by ({listed})")
        for i, kind in enumerate(batch.kinds):
            check.refers(kind, "kinds", ("batch", "kinds", i))

    def _check_scoring(self, scoring: Scoring, check: PolicyCheck) -> None:
        """Thresholds rise with severity and the default sits below them, so that more
        points never give a less severe tier."""
        for i, rule in enumerate(scoring.rules):
            check.condition(rule.when, ("scoring", "rules", i, "when"))
        check.problems += _duplicates(
            (t.tier for t in scoring.thresholds), ("scoring", "thresholds"), "tier"
        )
        severity = {tier.key: rank for rank, tier in enumerate(self.tiers)}  # 0 = most severe
        ranked = []
        for i, threshold in enumerate(scoring.thresholds):
            check.refers(threshold.tier, "tiers", ("scoring", "thresholds", i, "tier"))
            if threshold.tier in severity:
                ranked.append((severity[threshold.tier], threshold, i))
        for rank, threshold, i in ranked:
            below = [(t.min_score, t.tier) for r, t, _ in ranked if r > rank]
            if below and threshold.min_score <= max(below)[0]:
                score, tier = max(below)
                check.add(
                    ("scoring", "thresholds", i, "min_score"),
                    f"'{threshold.tier}' is more severe than '{tier}', "
                    f"so it needs a min_score above {score}",
                )
        default_rank = severity.get(self.default_tier)
        stricter = [t.tier for r, t, _ in ranked if default_rank is not None and r > default_rank]
        if stricter:
            check.add(
                ("default_tier",),
                f"with scoring the default tier applies below every threshold, so it cannot "
                f"be more severe than '{stricter[0]}'",
            )

    @model_validator(mode="after")
    def _cross_fields(self, info: ValidationInfo) -> Self:
        check = PolicyCheck(self, (info.context or {}).get(_PRUNED, {}))
        self.cross_check(check)
        if check.problems:
            raise _error(type(self).__name__, check.problems, _CROSS)
        return self


class PolicyCheck:
    """Collects a document's cross-field problems. Keys of list items that are malformed
    (and so left out while the rest is checked) still count as existing, so one mistake
    is not reported again as a broken reference."""

    def __init__(self, document: PolicyDocument, pruned: Mapping[str, set[str]]) -> None:
        self.document = document
        self.problems: list[tuple[Loc, str]] = []
        self._pruned = pruned
        self._types = document.fact_types()
        self._field_choices = {
            spec.key: [c.key for c in spec.choices]
            for spec in document.fields
            if spec.type == "choice"
        }

    def add(self, loc: Loc, message: str) -> None:
        self.problems.append((loc, message))

    def keys(self, section: str) -> list[str]:
        """The keys of a list of the document (``kinds`` lists them directly)."""
        items = getattr(self.document, section)
        keys = [item if isinstance(item, str) else item.key for item in items]
        return keys + sorted(self._pruned.get(section, set()) - set(keys))

    def unique(self, section: str) -> None:
        """Each key of the section at most once."""
        items = getattr(self.document, section)
        if items and isinstance(items[0], str):
            self.problems += _duplicates(items, (section,), None)
        else:
            self.problems += _duplicates((item.key for item in items), (section,))

    def refers(self, key: str, section: str, loc: Loc) -> None:
        """``key`` names an item of ``section``."""
        known = self.keys(section)
        if key not in known:
            listed = ", ".join(known) if known else "none are defined"
            self.add(loc, f"'{key}' is not among the {section} ({listed})")

    def condition(self, condition: Condition, loc: Loc) -> None:
        """The facts a condition tests exist, and its operators and values fit them."""
        if isinstance(condition, Comparison):
            self._comparison(condition, loc)
        elif isinstance(condition, Flag):
            kind = self._fact_type(condition.flag, (*loc, "flag"))
            if kind is not None and kind != "boolean":
                self.add((*loc, "flag"), f"'{condition.flag}' is a {kind} field, not a flag")
        elif isinstance(condition, AllOf | AnyOf):
            name = "all" if isinstance(condition, AllOf) else "any"
            parts = condition.all_ if isinstance(condition, AllOf) else condition.any_
            for i, part in enumerate(parts):
                self.condition(part, (*loc, name, i))
        elif isinstance(condition, Negation):
            self.condition(condition.not_, (*loc, "not"))

    def _fact_type(self, name: str, loc: Loc) -> FieldType | None:
        """The fact's type; None when unknown (reported) or untyped (a malformed field)."""
        kind = self._types.get(name)
        if kind is None and name not in self._pruned.get("fields", set()):
            self.add(loc, f"'{name}' is neither a field of this policy nor a built-in fact")
        return kind

    def _comparison(self, comparison: Comparison, loc: Loc) -> None:
        name = comparison.field
        kind = self._fact_type(name, (*loc, "field"))
        if kind is None:
            return
        if comparison.op not in _OPERATORS_BY_TYPE[kind]:
            allowed = ", ".join(sorted(_OPERATORS_BY_TYPE[kind]))
            message = f"'{comparison.op}' does not apply to {kind} '{name}' (use {allowed})"
            self.add((*loc, "op"), message)
            return
        values = comparison.value if isinstance(comparison.value, list) else [comparison.value]
        if name in _BUILTIN_CHOICES:
            choices: list[str] | None = self.keys(_BUILTIN_CHOICES[name])
        else:
            choices = self._field_choices.get(name)
        for value in values:
            problem = _value_problem(kind, value, choices)
            if problem:
                self.add((*loc, "value"), f"{problem} for '{name}'")
                return


def _value_problem(kind: FieldType, value: object, choices: list[str] | None) -> str | None:
    if kind in ("number", "integer"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if kind == "date":
        return None if as_date(value) else f"{value!r} is not a date written YYYY-MM-DD"
    if not isinstance(value, str):
        return f"{value!r} is not text"
    if kind == "choice" and choices is not None and value not in choices:
        return f"'{value}' is not a choice ({', '.join(choices) or 'none are defined'})"
    return None


# --- validation entry point -----------------------------------------------------------

D = TypeVar("D", bound=PolicyDocument)


@overload
def validate_policy(document: Mapping[str, Any]) -> PolicyDocument: ...
@overload
def validate_policy(document: Mapping[str, Any], model: type[D]) -> D: ...
def validate_policy(
    document: Mapping[str, Any], model: type[PolicyDocument] = PolicyDocument
) -> PolicyDocument:
    """The document as ``model`` (a sector's subclass), or :class:`PolicyInvalid` listing
    every problem: those of shape and value, and the cross-field ones of every part whose
    shape is sound (a malformed tier is left out of the cross-field checks, the rest of
    the document is not)."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors()
    problems = [_problem(error) for error in errors]
    cross_checked = any(error["type"] == _CROSS for error in errors)
    if not cross_checked and isinstance(document, Mapping):
        problems += _cross_problems_of_sound_parts(model, document, errors)
    raise PolicyInvalid(problems)


def _cross_problems_of_sound_parts(
    model: type[PolicyDocument], document: Mapping[str, Any], errors: Sequence[Any]
) -> list[Problem]:
    """Validate again without the malformed parts, and map the cross-field problems found
    back to the original positions. Malformed list items are left out; a malformed
    top-level value is left out only when it has a default. Gives up (no extra
    problems) when what remains is still not sound."""
    by_name = {info.alias or name: info for name, info in model.model_fields.items()}
    broken_items: dict[str, set[int]] = {}
    dropped: set[str] = set()
    for error in errors:
        loc = error["loc"]
        if not loc:
            return []
        head = loc[0]
        if isinstance(document.get(head), list) and len(loc) > 1 and isinstance(loc[1], int):
            broken_items.setdefault(head, set()).add(loc[1])
        else:
            dropped.add(head)
    if any(head in by_name and by_name[head].is_required() for head in dropped):
        return []
    pruned = {key: value for key, value in document.items() if key not in dropped}
    positions: dict[str, list[int]] = {}
    pruned_keys: dict[str, set[str]] = {}
    for head, bad in broken_items.items():
        if head in dropped:
            continue
        items = document[head]
        positions[head] = [i for i in range(len(items)) if i not in bad]
        pruned[head] = [items[i] for i in positions[head]]
        pruned_keys[head] = {key for i in bad if (key := _raw_key(items[i])) is not None}
    try:
        model.model_validate(pruned, context={_PRUNED: pruned_keys})
    except ValidationError as exc:
        again = exc.errors()
        if all(error["type"] == _CROSS for error in again):
            return [_problem(error, positions) for error in again]
    return []


def _raw_key(item: object) -> str | None:
    if isinstance(item, str):
        return item
    key = item.get("key") if isinstance(item, Mapping) else None
    return key if isinstance(key, str) else None


def _problem(error: Any, positions: Mapping[str, list[int]] | None = None) -> Problem:
    loc = [part for part in error["loc"] if part not in _TAG_NAMES]
    if positions and len(loc) > 1 and loc[0] in positions and isinstance(loc[1], int):
        loc[1] = positions[loc[0]][loc[1]]
    return Problem(_path(loc), _message(error))


def _path(loc: Sequence[str | int]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else part
    return path


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known setting (check the spelling)"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error["msg"])
