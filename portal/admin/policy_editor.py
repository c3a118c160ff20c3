"""The policy editor's form: tiers as a table, each with its milestones, criteria,
escalation target and extension; channel levels, validity reasons, score thresholds.

The form edits the parts of a policy document an admin tunes; every other part (the
sector's fields, channels, categories, invalid rules, scoring rules, ...) is carried
over from the version being edited. Keys the form has no input for on a tier or a
milestone travel in a hidden ``rest`` field, so saving never drops them.

Adding, removing and reordering rows are submit buttons handled on the server: the
editor works without JavaScript and every step is plain HTTP.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.admin.base import AdminForm
from portal.policy.document import PolicyInvalid, Problem

UNITS = (
    ("minutes", _l("minutes")),
    ("hours", _l("hours")),
    ("business_hours", _l("business hours")),
    ("calendar_days", _l("calendar days")),
    ("working_days", _l("working days")),
    ("end_of_business_day", _l("end of business day")),
    ("requested", _l("as the customer requested")),
)
STARTS = (
    ("created", _l("when created")),
    ("accepted", _l("when accepted")),
    ("classified", _l("when classified")),
    ("escalated", _l("when escalated")),
    ("replied", _l("when replied")),
    ("resolved", _l("when resolved")),
)
_MILESTONE_KEYS = {"name", "start", "duration", "pausable", "restart_on_new_facts"}
_TIER_KEYS = {"key", "label", "when", "milestones", "escalation_target", "extension"}


class ChoiceRow(Form):
    key = StringField(_l("Key"), [DataRequired(), Length(max=63)])
    label_en = StringField(_l("English"), [DataRequired(), Length(max=200)])
    label_zh = StringField(_l("Chinese"), [DataRequired(), Length(max=200)])


class MilestoneRow(Form):
    name = StringField(_l("Milestone"), [DataRequired(), Length(max=63)])
    start = SelectField(_l("Starts"), choices=STARTS)
    duration_amount = DecimalField(
        _l("Duration"), places=None, validators=[InputRequired(), NumberRange(min=0)]
    )
    duration_unit = SelectField(_l("Unit"), choices=UNITS)
    pausable = BooleanField(_l("Pauses while pending the customer"))
    restart_on_new_facts = BooleanField(_l("Restarts when the customer brings new facts"))
    rest = HiddenField()


class TierRow(Form):
    key = StringField(_l("Key"), [DataRequired(), Length(max=63)])
    label_en = StringField(_l("English"), [DataRequired(), Length(max=200)])
    label_zh = StringField(_l("Chinese"), [DataRequired(), Length(max=200)])
    when = TextAreaField(_l("Criteria (JSON; empty: the tier is only given by score or default)"))
    escalation_target = SelectField(_l("Escalates to"), choices=[])
    extension_role = StringField(_l("Extension approver role"), [Optional(), Length(max=63)])
    extension_amount = DecimalField(
        _l("Longest extension"), places=None, validators=[Optional(), NumberRange(min=0)]
    )
    extension_unit = SelectField(_l("Unit"), choices=UNITS)
    milestones = FieldList(FormField(MilestoneRow))
    rest = HiddenField()


class ThresholdRow(Form):
    tier = StringField(_l("Tier"), [DataRequired()])
    min_score = DecimalField(_l("From score"), places=None, validators=[InputRequired()])


class PolicyForm(AdminForm):
    comment = StringField(_l("What changed, and why"), [DataRequired(), Length(max=500)])
    default_tier = StringField(_l("Tier when no criteria match"), [DataRequired()])
    warn_at_share = DecimalField(
        _l("Warn when this share of a deadline is used"),
        places=None,
        validators=[InputRequired(), NumberRange(0, 1)],
    )
    tiers = FieldList(FormField(TierRow), min_entries=1)
    channel_levels = FieldList(FormField(ChoiceRow))
    validity_reasons = FieldList(FormField(ChoiceRow))
    thresholds = FieldList(FormField(ThresholdRow))


# --- document <-> form data -------------------------------------------------------------


def _number(value: Any) -> Any:
    """Whole numbers as int, so a saved document reads 2, not 2.0 or "2"."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _choice(item: dict[str, Any]) -> dict[str, Any]:
    label = item.get("label", {})
    return {"key": item["key"], "label_en": label.get("en", ""), "label_zh": label.get("zh", "")}


def _milestone(item: dict[str, Any]) -> dict[str, Any]:
    duration = item.get("duration", {})
    rest = {k: v for k, v in item.items() if k not in _MILESTONE_KEYS}
    return {
        "name": item.get("name", ""),
        "start": item.get("start", "created"),
        "duration_amount": duration.get("amount"),
        "duration_unit": duration.get("unit", "calendar_days"),
        "pausable": item.get("pausable", False),
        "restart_on_new_facts": bool(item.get("restart_on_new_facts")),
        "rest": json.dumps(rest, ensure_ascii=False) if rest else "",
    }


def _tier(item: dict[str, Any]) -> dict[str, Any]:
    extension = item.get("extension") or {}
    rest = {k: v for k, v in item.items() if k not in _TIER_KEYS}
    return {
        **_choice(item),
        "when": json.dumps(item["when"], ensure_ascii=False, indent=1) if item.get("when") else "",
        "escalation_target": item.get("escalation_target") or "",
        "extension_role": extension.get("approver_role", ""),
        "extension_amount": extension.get("max", {}).get("amount"),
        "extension_unit": extension.get("max", {}).get("unit", "working_days"),
        "milestones": [_milestone(m) for m in item.get("milestones", [])],
        "rest": json.dumps(rest, ensure_ascii=False) if rest else "",
    }


def form_data(document: dict[str, Any]) -> dict[str, Any]:
    """What the editor shows for ``document``."""
    scoring = document.get("scoring") or {}
    return {
        "default_tier": document.get("default_tier", ""),
        "warn_at_share": document.get("warn_at_share", 0.8),
        "tiers": [_tier(t) for t in document.get("tiers", [])],
        "channel_levels": [_choice(c) for c in document.get("channel_levels", [])],
        "validity_reasons": [_choice(c) for c in document.get("validity_reasons", [])],
        "thresholds": [
            {"tier": t["tier"], "min_score": t["min_score"]} for t in scoring.get("thresholds", [])
        ],
    }


def _rest(raw: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise PolicyInvalid([Problem(where, "hidden settings were damaged; reload the editor")])
    return value


def _label(row: dict[str, Any]) -> dict[str, str]:
    return {"en": row["label_en"] or "", "zh": row["label_zh"] or ""}


def document_from(base: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the editor's parts replaced by ``data`` (the form's ``.data``).

    Raises PolicyInvalid for criteria that are not JSON; everything else is left to
    the policy's own validation, which reports each problem by path.
    """
    problems: list[Problem] = []
    tiers = []
    for i, row in enumerate(data["tiers"]):
        tier: dict[str, Any] = {**_rest(row["rest"], f"tiers[{i}]")}
        tier.update(key=row["key"], label=_label(row))
        if (row["when"] or "").strip():
            try:
                tier["when"] = json.loads(row["when"])
            except ValueError as exc:
                problems.append(Problem(f"tiers[{i}].when", f"not valid JSON: {exc}"))
        if row["escalation_target"]:
            tier["escalation_target"] = row["escalation_target"]
        if row["extension_role"] or row["extension_amount"] is not None:
            tier["extension"] = {
                "approver_role": row["extension_role"],
                "max": {"amount": _number(row["extension_amount"]), "unit": row["extension_unit"]},
            }
        tier["milestones"] = [
            {
                **_rest(m["rest"], f"tiers[{i}].milestones[{j}]"),
                "name": m["name"],
                "start": m["start"],
                "duration": {"amount": _number(m["duration_amount"]), "unit": m["duration_unit"]},
                **({"pausable": True} if m["pausable"] else {}),
                **({"restart_on_new_facts": True} if m["restart_on_new_facts"] else {}),
            }
            for j, m in enumerate(row["milestones"])
        ]
        tiers.append(tier)
    if problems:
        raise PolicyInvalid(problems)
    document = {
        **base,
        "default_tier": data["default_tier"],
        "warn_at_share": _number(data["warn_at_share"]),
        "tiers": tiers,
        "channel_levels": [{"key": c["key"], "label": _label(c)} for c in data["channel_levels"]],
        "validity_reasons": [
            {"key": c["key"], "label": _label(c)} for c in data["validity_reasons"]
        ],
    }
    if base.get("scoring"):
        document["scoring"] = {
            **base["scoring"],
            "thresholds": [
                {"tier": t["tier"], "min_score": _number(t["min_score"])}
                for t in data["thresholds"]
            ],
        }
    return document


# --- row operations ---------------------------------------------------------------------

_OP = re.compile(
    r"^(add|remove|up|down)-(tiers|milestones|channel_levels|validity_reasons|thresholds)(?:-(\d+))?(?:-(\d+))?$"
)
_BLANK: dict[str, dict[str, Any]] = {
    "tiers": _tier({"key": "", "label": {}, "milestones": []}),
    "milestones": _milestone({"name": "", "duration": {"amount": None}}),
    "channel_levels": {"key": "", "label_en": "", "label_zh": ""},
    "validity_reasons": {"key": "", "label_en": "", "label_zh": ""},
    "thresholds": {"tier": "", "min_score": None},
}


def apply_op(data: dict[str, Any], op: str) -> bool:
    """Add, remove or move a row of ``data`` as the button ``op`` asks; False if ``op``
    names no such row (a stale page), leaving ``data`` as it was."""
    match = _OP.match(op)
    if not match:
        return False
    verb, table, first, second = match.groups()
    if table == "milestones":
        if first is None or not int(first) < len(data["tiers"]):
            return False
        rows = data["tiers"][int(first)]["milestones"]
        index = second
    else:
        rows = data[table]
        index = first
    if verb == "add":
        rows.append(dict(_BLANK[table]))
        return True
    if index is None or not int(index) < len(rows):
        return False
    i = int(index)
    if verb == "remove":
        rows.pop(i)
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i + 1 < len(rows):
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return True


# --- problems onto fields ---------------------------------------------------------------

_PATH_STEP = re.compile(r"\[(\d+)\]")
_ALIASES = (
    ("-label-en", "-label_en"),
    ("-label-zh", "-label_zh"),
    ("-duration-amount", "-duration_amount"),
    ("-duration-unit", "-duration_unit"),
    ("-extension-approver_role", "-extension_role"),
    ("-extension-max-amount", "-extension_amount"),
    ("-extension-max-unit", "-extension_unit"),
    ("scoring-thresholds", "thresholds"),
)


def field_name(path: str) -> str:
    """The editor input a document path such as ``tiers[1].label.en`` is shown on."""
    name = _PATH_STEP.sub(r"-\1", path).replace(".", "-")
    for old, new in _ALIASES:
        name = name.replace(old, new)
    return name


def attach_problems(form: PolicyForm, problems: list[Problem]) -> None:
    """Put each problem on the deepest input its path reaches (a row's problem on the
    row's key); the editor also lists them all above the form."""
    inputs = dict(_inputs(form))
    for problem in problems:
        name = field_name(problem.path)
        while name and name not in inputs:
            name = name.rpartition("-")[0]
        if name:
            inputs[name].errors = [*inputs[name].errors, problem.message]


def _inputs(container: Any) -> Any:
    """(name, leaf field) for every input, and (row name, the row's first input)."""
    for field in container:
        if isinstance(field, FormField):
            first = next(iter(field.form))
            yield field.name, first
            yield from _inputs(field.form)
        elif isinstance(field, FieldList):
            yield from _inputs(field)
        else:
            field.errors = list(field.errors)
            yield field.name, field
