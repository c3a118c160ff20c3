"""The rule evaluator: a policy :data:`~portal.policy.document.Condition`, compiled once
into closures, answers whether a ticket matches and why.

Compiling walks the pydantic models once per policy version; classifying a ticket then
only calls small closures (no model walking, no ``eval``). Each compiled condition
has a fast ``test`` and an ``explain`` that is only run once ``test`` said yes, so the
reasons of the many conditions that do not match cost nothing.

Absent values: a comparison or a flag on a fact that is absent, ``None`` or of the
wrong type (``"5000"`` for a number) is false, whatever the operator: ``amount != 0``
does not match a ticket without an amount. Write ``{"not": {"field": "amount", "op":
"==", "value": 0}}`` to include those tickets.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from portal.policy.document import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    FieldType,
    Flag,
    Locale,
    Negation,
    OccurredMoreThan,
    Repeats,
    as_date,
)

__all__ = ["CompiledCondition", "Subject", "compile_condition", "describe"]


@dataclass(frozen=True, slots=True)
class Subject:
    """What conditions are tested against: the facts by name (the ticket's fields and
    the built-in facts, see ``portal.policy.document``) and the times the temporal
    conditions need, all aware."""

    values: Mapping[str, object]
    now: datetime
    occurred_at: datetime | None = None
    prior_complaints: Sequence[datetime] = ()


Test = Callable[[Subject], bool]
Explain = Callable[[Subject], list[str]]


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition ready to run. ``explain`` gives the reasons of a match and is only
    meaningful when ``test`` is true; calling the object does both."""

    test: Test
    explain: Explain
    description: str

    def __call__(self, subject: Subject) -> tuple[bool, list[str]]:
        if self.test(subject):
            return True, self.explain(subject)
        return False, []


def compile_condition(
    condition: Condition, fact_types: Mapping[str, FieldType], locale: Locale = "en"
) -> CompiledCondition:
    """Compile ``condition``; ``fact_types`` is ``PolicyDocument.fact_types()``.

    Reasons are the condition's label in ``locale`` or a generated text ("amount >=
    5000"): for ``all`` those of every part, for ``any`` those of the parts that
    matched, for ``not`` its own label or "not (...)". Raises ValueError for a fact
    not in ``fact_types`` (a validated document has none).
    """
    description = describe(condition, locale)
    if isinstance(condition, AllOf | AnyOf):
        return _composite(condition, fact_types, locale, description)
    if isinstance(condition, Negation):
        inner = compile_condition(condition.not_, fact_types, locale).test
        return _leaf(lambda subject: not inner(subject), description)
    if isinstance(condition, Comparison):
        return _leaf(_comparison(condition, _type_of(condition.field, fact_types)), description)
    if isinstance(condition, Flag):
        _type_of(condition.flag, fact_types)
        name = condition.flag
        return _leaf(lambda subject: subject.values.get(name) is True, description)
    if isinstance(condition, OccurredMoreThan):
        return _leaf(_occurred_more_than(condition), description)
    return _leaf(_repeats(condition), description)


def _leaf(test: Test, description: str) -> CompiledCondition:
    return CompiledCondition(test, lambda subject: [description], description)


def _composite(
    condition: AllOf | AnyOf,
    fact_types: Mapping[str, FieldType],
    locale: Locale,
    description: str,
) -> CompiledCondition:
    parts = condition.all_ if isinstance(condition, AllOf) else condition.any_
    compiled = tuple(compile_condition(part, fact_types, locale) for part in parts)
    tests = tuple(part.test for part in compiled)
    if condition.label is not None:
        label = condition.label.text(locale)

        def explain(subject: Subject) -> list[str]:
            return [label]
    elif isinstance(condition, AllOf):

        def explain(subject: Subject) -> list[str]:
            return [reason for part in compiled for reason in part.explain(subject)]
    else:

        def explain(subject: Subject) -> list[str]:
            return [r for part in compiled if part.test(subject) for r in part.explain(subject)]

    # Plain loops: a generator inside all() / any() costs more than the tests themselves.
    if isinstance(condition, AllOf):

        def test(subject: Subject) -> bool:
            for part in tests:  # noqa: SIM110
                if not part(subject):
                    return False
            return True
    else:

        def test(subject: Subject) -> bool:
            for part in tests:  # noqa: SIM110
                if part(subject):
                    return True
            return False

    return CompiledCondition(test, explain, description)


def _type_of(name: str, fact_types: Mapping[str, FieldType]) -> FieldType:
    try:
        return fact_types[name]
    except KeyError:
        raise ValueError(f"'{name}' is neither a field of the policy nor a built-in fact") from None


# The comparable form of a fact's value, or None when it has none (absent, wrong type).
_Coerce = Callable[[object], Any]


def _number(value: object) -> object:
    return value if type(value) is int or type(value) is float else None


def _text(value: object) -> object:
    return value if type(value) is str else None


def _boolean(value: object) -> object:
    return value if type(value) is bool else None


_COERCE: dict[FieldType, _Coerce] = {
    "number": _number,
    "integer": _number,
    "string": _text,
    "choice": _text,
    "boolean": _boolean,
    "date": as_date,
}


def _is_in(value: Any, values: Any) -> bool:
    return value in values


def _not_in(value: Any, values: Any) -> bool:
    return value not in values


def _contains(value: Any, needle: Any) -> bool:
    return needle in value.casefold()


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": _is_in,
    "not_in": _not_in,
    "contains": _contains,
}


def _comparison(condition: Comparison, kind: FieldType) -> Test:
    """Compare the coerced fact with the value, which is coerced once, here."""
    coerce = _COERCE[kind]
    compare = _COMPARE[condition.op]
    name = condition.field
    if isinstance(condition.value, list):
        target: Any = frozenset(_coerced(coerce, v) for v in condition.value)
    elif condition.op == "contains":
        target = str(condition.value).casefold()  # case-insensitive substring
    else:
        target = _coerced(coerce, condition.value)

    def test(subject: Subject) -> bool:
        value = coerce(subject.values.get(name))
        return value is not None and compare(value, target)

    return test


def _coerced(coerce: _Coerce, value: object) -> Any:
    coerced = coerce(value)
    if coerced is None:
        raise ValueError(f"{value!r} does not fit the type of the field it is compared with")
    return coerced


def _occurred_more_than(condition: OccurredMoreThan) -> Test:
    period = condition.occurred_more_than
    step = relativedelta(**{period.unit: period.amount})

    def test(subject: Subject) -> bool:
        occurred = subject.occurred_at
        if occurred is None:
            return False
        today = subject.now.astimezone(occurred.tzinfo).date()
        return today > occurred.date() + step

    return test


def _repeats(condition: Repeats) -> Test:
    window = timedelta(days=condition.repeats.within_days)
    earlier_needed = condition.repeats.at_least - 1  # this ticket is one of them

    def test(subject: Subject) -> bool:
        prior = subject.prior_complaints
        if len(prior) < earlier_needed:  # the usual case: no or few earlier tickets
            return False
        now = subject.now
        since = now - window
        count = 0
        for at in prior:
            if since <= at <= now:
                count += 1
        return count >= earlier_needed

    return test


# --- descriptions ---------------------------------------------------------------------

_WORDS: dict[Locale, dict[str, str]] = {
    "en": {
        "and": " and ",
        "or": " or ",
        "not": "not ({})",
        "in": "in",
        "not_in": "not in",
        "contains": "contains",
        "occurred": "occurred more than {amount} {unit} ago",
        "repeats": "at least {at_least} complaints within {days} days",
        "days": "days",
        "months": "months",
        "years": "years",
        "day": "day",
        "month": "month",
        "year": "year",
    },
    "zh": {
        "and": " 且 ",
        "or": " 或 ",
        "not": "非（{}）",
        "in": "属于",
        "not_in": "不属于",
        "contains": "包含",
        "occurred": "发生已超过{amount}{unit}",
        "repeats": "{days}天内投诉至少{at_least}次",
        "days": "天",
        "months": "个月",
        "years": "年",
        "day": "天",
        "month": "个月",
        "year": "年",
    },
}


def describe(condition: Condition, locale: Locale = "en") -> str:
    """The condition's label in ``locale``, or a text generated from it."""
    if condition.label is not None:
        return condition.label.text(locale)
    words = _WORDS[locale]
    if isinstance(condition, Comparison):
        op = words.get(condition.op, condition.op)
        value = json.dumps(condition.value, ensure_ascii=False)
        return f"{condition.field} {op} {value}"
    if isinstance(condition, Flag):
        return condition.flag
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all_ if isinstance(condition, AllOf) else condition.any_
        joiner = words["and"] if isinstance(condition, AllOf) else words["or"]
        return joiner.join(_nested(part, locale) for part in parts)
    if isinstance(condition, Negation):
        return words["not"].format(describe(condition.not_, locale))
    if isinstance(condition, OccurredMoreThan):
        period = condition.occurred_more_than
        unit = period.unit if period.amount != 1 else period.unit[:-1]
        return words["occurred"].format(amount=period.amount, unit=words[unit])
    window = condition.repeats
    return words["repeats"].format(at_least=window.at_least, days=window.within_days)


def _nested(condition: Condition, locale: Locale) -> str:
    """A part of an all/any, bracketed when it is itself a combination."""
    text = describe(condition, locale)
    if condition.label is None and isinstance(condition, AllOf | AnyOf):
        return f"({text})"
    return text
