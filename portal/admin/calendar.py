"""The tenant's own working calendar: business hours and days that differ from the
statutory calendar. Deadlines computed from now on use them; existing ones stay."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.admin.audit import record_change
from portal.admin.base import AdminForm, AdminPage, TenantModelView
from portal.extensions import db

WEEKDAYS = (
    (1, _l("Monday")),
    (2, _l("Tuesday")),
    (3, _l("Wednesday")),
    (4, _l("Thursday")),
    (5, _l("Friday")),
    (6, _l("Saturday")),
    (7, _l("Sunday")),
)
SPAN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def parse_spans(text: str) -> list[list[str]]:
    """``"09:00-12:00, 13:30-17:30"`` as ordered, non-overlapping [start, end] pairs."""
    spans: list[list[str]] = []
    last_end = time.min
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        match = SPAN.match(part)
        if not match:
            raise ValueError(_("Write hours like 09:00-12:00, 13:30-17:30."))
        try:
            start, end = (time.fromisoformat(x.zfill(5)) for x in match.groups())
        except ValueError:
            raise ValueError(_("%(span)s is not a time of day.", span=part)) from None
        if not last_end <= start < end:
            raise ValueError(_("Spans must be in order and must not overlap."))
        spans.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
        last_end = end
    return spans


def format_spans(spans: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)


def _span_check(form: Any, field: Any) -> None:
    try:
        parse_spans(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class HoursForm(AdminForm):
    standard = BooleanField(_l("Standard office hours (Mon-Fri 09:00-12:00, 13:30-17:30)"))


for _day, _name in WEEKDAYS:
    setattr(HoursForm, f"day{_day}", StringField(_name, validators=[Optional(), _span_check]))


class BusinessHoursView(AdminPage):
    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        tenant = g.tenant
        hours: dict[str, list[list[str]]] = tenant.business_hours or {}
        form = HoursForm(
            request.form if request.method == "POST" else None,
            standard=not hours,
            **{f"day{d}": format_spans(hours.get(str(d), [])) for d, _n in WEEKDAYS},
        )
        if request.method == "POST" and form.validate():
            if form.standard.data:
                new = None
            else:
                new = {str(d): parse_spans(form[f"day{d}"].data or "") for d, _n in WEEKDAYS}
                new = {d: spans for d, spans in new.items() if spans}
                if not new:
                    form.day1.errors = [_("Give the hours of at least one day.")]
                    return self.render("admin/tousu/hours.html", form=form, weekdays=WEEKDAYS)
            tenant.business_hours = new
            tenant.calendar_revision += 1
            record_change(db.session, tenant, tenant, current_user)
            db.session.commit()
            flash(_("Business hours saved. New deadlines use them."))
            return redirect(url_for(".index"))
        return self.render("admin/tousu/hours.html", form=form, weekdays=WEEKDAYS)


class CalendarDayView(TenantModelView):
    column_list = ("day", "kind", "note")
    column_default_sort = ("day", True)
    column_labels = {"day": _l("Day"), "kind": _l("Kind"), "note": _l("Note")}
    column_formatters = {
        "kind": lambda v, c, m, n: _("Day off") if m.kind == "rest" else _("Working day")
    }
    form_columns = ("day", "kind", "note")
    form_overrides = {"kind": SelectField}
    form_args = {
        "day": {"validators": [DataRequired()]},
        "kind": {"choices": [("rest", _l("Day off")), ("working", _l("Working day"))]},
        "note": {"validators": [Length(max=200)]},
    }

    def _calendar_changed(self) -> None:
        g.tenant.calendar_revision += 1

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        self._calendar_changed()
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model: Any) -> None:
        self._calendar_changed()
        super().on_model_delete(model)
