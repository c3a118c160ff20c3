"""A stored report as readable tables, in the reader's language: what the page shows
and the exports write. Keys become labels here, from the tenant's active policy, so a
report built before a label changed reads with today's wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.reports.sql import UNSET
from portal.workflow.states import KIND_LABELS


@dataclass(frozen=True)
class Rate:
    """A share between 0 and 1 (None: nothing to divide), shown as a percentage."""

    value: float | None

    def __str__(self) -> str:
        return "" if self.value is None else f"{self.value * 100:.1f}%"


Cell = str | int | float | Rate | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


SUMMARY = {
    "tickets": _l("Tickets received"),
    "complaints": _l("Complaints and appeals"),
    "valid": _l("Valid"),
    "invalid": _l("Invalid"),
    "validity_ratio": _l("Validity ratio"),
    "repeats": _l("Repeat complaints (linked)"),
    "reminders": _l("Reminders on open complaints"),
    "breaches": _l("Breaches recorded"),
    "breached_tickets": _l("Tickets received that breached a deadline"),
    "escalations": _l("Escalations"),
    "on_time_rate": _l("On-time rate"),
    "satisfaction_rate": _l("Callback satisfaction"),
    "closed": _l("Tickets received and closed"),
}
RATES = frozenset({"validity_ratio", "on_time_rate", "satisfaction_rate"})
DIMENSIONS = {
    "kind": _l("By kind"),
    "channel": _l("By channel"),
    "channel_level": _l("By channel level"),
    "tier": _l("By tier"),
    "category": _l("By category"),
    "department": _l("By department"),
    "invalid_reason": _l("Invalid tickets by reason"),
}
#: The policy section that labels each dimension's keys.
POLICY_LISTS = {
    "channel": "channels",
    "channel_level": "channel_levels",
    "tier": "tiers",
    "category": "categories",
    "invalid_reason": "validity_reasons",
}
MILESTONES = {
    "first_response": _l("First response"),
    "forward": _l("Forward"),
    "accept": _l("Acceptance"),
    "reply": _l("Reply"),
    "resolve": _l("Resolution"),
    "callback": _l("Callback"),
}


def _locale_key(locale: str) -> str:
    return "en" if locale.startswith("en") else "zh"


class Labels:
    """Readable names for the keys a report holds."""

    def __init__(
        self, document: Mapping[str, Any], departments: Mapping[str, str], locale: str
    ) -> None:
        self.lang = _locale_key(locale)
        self.lists = {
            dim: {item["key"]: item["label"][self.lang] for item in document.get(section, [])}
            for dim, section in POLICY_LISTS.items()
        }
        self.lists["department"] = dict(departments)
        self.lists["kind"] = {k.value: str(label) for k, label in KIND_LABELS.items()}
        self.lists["escalation"] = {
            level["key"]: level["label"][self.lang]
            for level in document.get("escalation_chain", [])
        }

    def of(self, dimension: str, key: str) -> str:
        if key == UNSET:
            return _("(not set)")
        return self.lists.get(dimension, {}).get(key, key)

    def text(self, value: Any) -> Cell:
        """A cell of a sector section: texts in both languages become one."""
        if isinstance(value, Mapping) and {"en", "zh"} <= set(value):
            return str(value[self.lang])
        return value


def _share(counts: Mapping[str, int], labels: Labels, dim: str) -> list[list[Cell]]:
    whole = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        [labels.of(dim, key), n, Rate(round(n / whole, 4) if whole else None)] for key, n in ordered
    ]


def _value(key: str, value: Any) -> Cell:
    return Rate(value) if key in RATES else value


def summary(figures: Mapping[str, Any]) -> Table:
    change = figures.get("change", {})
    rows: list[list[Cell]] = []
    for key, label in SUMMARY.items():
        compared = change.get(key, {})
        delta = compared.get("delta")
        rows.append(
            [
                str(label),
                _value(key, figures["totals"].get(key)),
                _value(key, compared.get("previous")) if compared else None,
                (Rate(delta) if key in RATES and delta is not None else delta),
            ]
        )
    return Table(
        "summary",
        _("Summary"),
        [_("Figure"), _("This period"), _("Previous period"), _("Change")],
        rows,
    )


def tables(figures: Mapping[str, Any], labels: Labels) -> list[Table]:
    """Every table of a report, in reading order; sector sections last."""
    count_columns = [_("Item"), _("Tickets"), _("Share")]
    result = [summary(figures)]
    result += [
        Table(
            f"by_{dim}", str(title), count_columns, _share(figures["by"].get(dim, {}), labels, dim)
        )
        for dim, title in DIMENSIONS.items()
    ]
    milestones = figures.get("milestones", {})
    breaches = figures.get("breaches", {})
    result.append(
        Table(
            "milestones",
            _("Deadlines by milestone"),
            [
                _("Milestone"),
                _("On time"),
                _("Late"),
                _("Pending"),
                _("On-time rate"),
                _("Breaches recorded"),
            ],
            [
                [
                    str(MILESTONES.get(name, name)),
                    c["on_time"],
                    c["late"],
                    c["pending"],
                    Rate(c["on_time_rate"]),
                    breaches.get(name, 0),
                ]
                for name, c in milestones.items()
            ],
        )
    )
    callbacks, ratings = figures.get("callbacks", {}), figures.get("ratings", {})
    result.append(
        Table(
            "satisfaction",
            _("Callbacks and ratings"),
            [_("Figure"), _("Value")],
            [
                [_("Callbacks"), callbacks.get("count")],
                [_("Solved"), callbacks.get("solved")],
                [_("Satisfied"), callbacks.get("satisfied")],
                [_("Neutral"), callbacks.get("neutral")],
                [_("Unsatisfied"), callbacks.get("unsatisfied")],
                [_("Satisfaction rate"), Rate(callbacks.get("satisfaction_rate"))],
                [_("Mean callback score (1-10)"), callbacks.get("mean_score")],
                [_("Customer ratings"), ratings.get("count")],
                [_("Mean customer rating (1-5)"), ratings.get("mean_score")],
            ],
        )
    )
    result.append(
        Table(
            "top_causes",
            _("Top causes of valid complaints"),
            [_("Cause"), _("Complaints"), _("Share")],
            [
                [labels.of("category", c["key"]), c["count"], Rate(c["share"])]
                for c in figures.get("top_causes", [])
            ],
        )
    )
    result.append(
        Table(
            "escalations",
            _("Escalations by level"),
            [_("Level"), _("Escalations")],
            [
                [labels.of("escalation", key), n]
                for key, n in sorted(figures.get("escalations_by_level", {}).items())
            ],
        )
    )
    result.append(
        Table(
            "daily",
            _("Tickets received per day"),
            [_("Day"), _("Tickets")],
            [[day["date"], day["tickets"]] for day in figures.get("daily", [])],
        )
    )
    for section in figures.get("sections", []):
        result += section_tables(section, labels)
    return result


def section_tables(section: Mapping[str, Any], labels: Labels) -> list[Table]:
    """A sector's section: a table of its headline figures, then its own table."""
    title = str(labels.text(section["title"]))
    result = []
    if section.get("figures"):
        result.append(
            Table(
                f"section_{section['key']}",
                title,
                [_("Figure"), _("Value")],
                [
                    [labels.text(f["label"]), Rate(f["value"]) if f.get("rate") else f["value"]]
                    for f in section["figures"]
                ],
            )
        )
    if section.get("columns"):
        result.append(
            Table(
                f"section_{section['key']}_rows",
                title,
                [str(labels.text(c)) for c in section["columns"]],
                [[labels.text(cell) for cell in row] for row in section.get("rows", [])],
            )
        )
    return result
