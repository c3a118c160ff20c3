"""Classification: a ticket's validity, channel level and tier under a tenant's policy.

Pure and deterministic: plain facts in, a :class:`Classification` out, no database.
A policy version is compiled once (:func:`compile_policy`, immutable, fine to cache
by version) and then classifies any number of tickets (:func:`classify`).

How the tier is chosen:

* with ``scoring``: the points of every rule whose condition matches are summed; the
  tier is that of the highest threshold the sum reaches, else ``default_tier``;
* without: the tiers are tried most severe first and the first whose ``when``
  matches wins, else ``default_tier``.

Invalid rules are all evaluated; every matching one adds its reason key. The tier is
decided for invalid tickets too, so a reviewer overturning the validity finds it set.
Every classification carries the reasons that decided it, in the facts' locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

from portal.policy.criteria import CompiledCondition, Subject, compile_condition
from portal.policy.document import Locale, PolicyDocument

__all__ = ["Classification", "CompiledPolicy", "TicketFacts", "classify", "compile_policy"]

_LOCALES: tuple[Locale, ...] = ("en", "zh")


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketFacts:
    """What classification looks at. Datetimes are aware; ``occurred_at`` is best given
    in the tenant's time zone, as periods since the incident count its calendar dates.
    ``prior_complaints`` are the times of the same customer's earlier tickets about the
    same matter."""

    kind: str
    channel: str
    now: datetime
    customer_anonymous: bool
    has_contact: bool
    category: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict)
    occurred_at: datetime | None = None
    prior_complaints: Sequence[datetime] = ()
    locale: Locale = "en"

    def __post_init__(self) -> None:
        for name in ("now", "occurred_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime")


@dataclass(frozen=True, slots=True)
class Classification:
    """The API's ``classification`` object (plus the category)."""

    validity: Literal["valid", "invalid"]
    validity_reasons: list[str]
    channel_level: str | None
    tier: str
    score: float | None
    reasons: list[str]
    category: str | None


_TEXT: Mapping[Locale, Mapping[str, str]] = {
    "en": {
        "invalid": "invalid ({reason}): {why}",
        "join": "; ",
        "points": "{label} {points}",
        "threshold": "score {score} >= {min_score}: {tier}",
        "below": "score {score} is below every threshold: {tier} (default)",
        "unmatched": "no tier criterion matched: {tier} (default)",
    },
    "zh": {
        "invalid": "无效（{reason}）：{why}",
        "join": "；",
        "points": "{label} {points}",
        "threshold": "得分 {score} ≥ {min_score}：{tier}",
        "below": "得分 {score} 未达任何阈值：{tier}（默认）",
        "unmatched": "未命中任何等级条件：{tier}（默认）",
    },
}


@dataclass(frozen=True, slots=True)
class _InvalidRule:
    reason: str
    label: str
    condition: CompiledCondition


@dataclass(frozen=True, slots=True)
class _TierRule:
    tier: str
    condition: CompiledCondition


@dataclass(frozen=True, slots=True)
class _ScoreRule:
    points: float
    reason: str
    condition: CompiledCondition


@dataclass(frozen=True, slots=True)
class _Threshold:
    min_score: float
    tier: str
    tier_label: str


@dataclass(frozen=True, slots=True)
class _Rules:
    """A policy's rules with their reasons worded in one locale."""

    invalid: tuple[_InvalidRule, ...]
    tiers: tuple[_TierRule, ...]
    scoring: tuple[_ScoreRule, ...] | None
    thresholds: tuple[_Threshold, ...]  # highest min_score first
    default_label: str
    text: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A policy document ready to classify tickets; build it with :func:`compile_policy`."""

    default_tier: str
    channel_levels: Mapping[str, str]
    rules: Mapping[Locale, _Rules]


def compile_policy(document: PolicyDocument) -> CompiledPolicy:
    """Compile every criterion of a validated document, once per locale."""
    return CompiledPolicy(
        default_tier=document.default_tier,
        channel_levels=MappingProxyType({c.key: c.level for c in document.channels}),
        rules=MappingProxyType({locale: _rules(document, locale) for locale in _LOCALES}),
    )


def _rules(document: PolicyDocument, locale: Locale) -> _Rules:
    types = document.fact_types()
    text = _TEXT[locale]
    reason_labels = {choice.key: choice.label.text(locale) for choice in document.validity_reasons}
    tier_labels = {tier.key: tier.label.text(locale) for tier in document.tiers}
    invalid = tuple(
        _InvalidRule(
            rule.reason,
            reason_labels.get(rule.reason, rule.reason),
            compile_condition(rule.when, types, locale),
        )
        for rule in document.invalid_rules
    )
    tiers = tuple(
        _TierRule(tier.key, compile_condition(tier.when, types, locale))
        for tier in document.tiers
        if tier.when is not None
    )
    scoring = None
    thresholds: tuple[_Threshold, ...] = ()
    if document.scoring is not None:
        scoring = tuple(
            _ScoreRule(
                rule.points,
                text["points"].format(label=rule.label.text(locale), points=_signed(rule.points)),
                compile_condition(rule.when, types, locale),
            )
            for rule in document.scoring.rules
        )
        thresholds = tuple(
            _Threshold(t.min_score, t.tier, tier_labels[t.tier])
            for t in sorted(document.scoring.thresholds, key=lambda t: -t.min_score)
        )
    return _Rules(invalid, tiers, scoring, thresholds, tier_labels[document.default_tier], text)


def classify(compiled: CompiledPolicy, facts: TicketFacts) -> Classification:
    """Classify one ticket; the same facts always give the same classification."""
    rules = compiled.rules.get(facts.locale)
    if rules is None:
        raise ValueError(f"no reasons in locale {facts.locale!r}; use one of {_LOCALES}")
    channel_level = compiled.channel_levels.get(facts.channel)
    values = {
        **facts.fields,
        "kind": facts.kind,
        "channel": facts.channel,
        "channel_level": channel_level,
        "category": facts.category,
        "customer.anonymous": facts.customer_anonymous,
        "has_contact": facts.has_contact,
        "repeat_count": len(facts.prior_complaints) + 1,
    }
    subject = Subject(values, facts.now, facts.occurred_at, facts.prior_complaints)
    reasons: list[str] = []
    invalid: list[str] = []
    for rule in rules.invalid:
        if rule.condition.test(subject):
            if rule.reason not in invalid:
                invalid.append(rule.reason)
            why = rules.text["join"].join(rule.condition.explain(subject))
            reasons.append(rules.text["invalid"].format(reason=rule.label, why=why))
    score: float | None = None
    if rules.scoring is None:
        tier = _tier_by_criteria(rules, compiled.default_tier, subject, reasons)
    else:
        tier, score = _tier_by_score(rules, rules.scoring, compiled.default_tier, subject, reasons)
    return Classification(
        validity="invalid" if invalid else "valid",
        validity_reasons=invalid,
        channel_level=channel_level,
        tier=tier,
        score=score,
        reasons=reasons,
        category=facts.category,
    )


def _tier_by_criteria(rules: _Rules, default: str, subject: Subject, reasons: list[str]) -> str:
    for rule in rules.tiers:
        if rule.condition.test(subject):
            reasons += rule.condition.explain(subject)
            return rule.tier
    reasons.append(rules.text["unmatched"].format(tier=rules.default_label))
    return default


def _tier_by_score(
    rules: _Rules,
    scoring: tuple[_ScoreRule, ...],
    default: str,
    subject: Subject,
    reasons: list[str],
) -> tuple[str, float]:
    total = 0.0
    for rule in scoring:
        if rule.condition.test(subject):
            total += rule.points
            reasons.append(rule.reason)
    # Rounded so that 0.1 + 0.2 reaches a threshold of 0.3.
    score = round(total, 9)
    for threshold in rules.thresholds:
        if score >= threshold.min_score:
            reasons.append(
                rules.text["threshold"].format(
                    score=_plain(score),
                    min_score=_plain(threshold.min_score),
                    tier=threshold.tier_label,
                )
            )
            return threshold.tier, score
    reasons.append(rules.text["below"].format(score=_plain(score), tier=rules.default_label))
    return default, score


def _plain(number: float) -> str:
    """5.0 -> "5", 2.5 -> "2.5": a score as people write it."""
    if number == int(number):
        return str(int(number))
    return f"{number:.9f}".rstrip("0")


def _signed(number: float) -> str:
    return ("+" if number >= 0 else "") + _plain(number)
