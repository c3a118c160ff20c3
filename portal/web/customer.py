"""The customer pages of a tenant, under ``/t/<slug>/``: submit a complaint, track it,
rate the answer, appeal.

Nobody signs in here. Every request is bound to the tenant its URL names
(:mod:`portal.tenancy`), so another tenant's ticket is simply not found, whatever
number is typed. A ticket is shown only to whoever gives its number together with the
phone number it was filed with; a wrong pair of any sort gets one and the same answer.

After a successful lookup the verified pair is kept in the (signed) session, and the
rating and appeal forms carry neither the number nor the phone: each of their POSTs
takes the pair from the session and checks it against the ticket again, so those forms
cannot be used to guess pairs past the lookup limit, and a changed ticket or phone
number ends the access at once.
"""

from __future__ import annotations

import hmac
import math
import time as clock  # ``time`` is the time of day below
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from annotated_types import MaxLen
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import attachments
from portal.extensions import db
from portal.models import Attachment, Tenant, Ticket, utcnow
from portal.plugins import sectors
from portal.policy.document import FieldSpec, Locale, PolicyDocument, as_date, validate_fields
from portal.policy.engine import policy_of
from portal.policy.versions import active_version
from portal.tenancy import get_in_scope, set_scope
from portal.validation import InvalidInput
from portal.workflow import payloads
from portal.workflow.actions import ACTIONS, CUSTOMER, allowed
from portal.workflow.intake import CustomerIn, TicketIn, receive_ticket
from portal.workflow.perform import ActionRefused, perform
from portal.workflow.states import KIND_LABELS, STATUS_LABELS, Kind, Status

bp = Blueprint("customer", __name__, url_prefix="/t/<slug>")

#: The kinds the public files; fault reports and appeals come through other doors.
PUBLIC_KINDS = ("complaint", "consultation", "inquiry")
#: The channel of this page when the policy lists it; otherwise the policy's first
#: channel, so the core's channel check always passes and the sector's channel level
#: (where the complaint entered) is still decided by the policy.
WEB_CHANNEL = "web"
#: Session keys: the ticket just submitted, and the number + phone last verified.
SUBMITTED = "tousu.customer.submitted"
TRACKED = "tousu.customer.tracked"
#: Lookups per client address; ``CUSTOMER_LOOKUP_LIMIT`` overrides it.
LOOKUP_LIMIT = "10 per minute"
LIMITER = "tousu.customer_lookups"
LOOKUP_SCOPE = "tousu-customer-lookup"
#: A requested deadline means "by the end of that day" in the tenant's zone.
END_OF_DAY = time(23, 59, 59)

HINTS = {
    "kind": _l("Choose one of the options."),
    "customer.phone": _l(
        "Enter the phone number we can reach you on: digits, spaces, brackets or "
        "dashes, optionally starting with +."
    ),
    "customer.email": _l("Enter an email address such as name@example.com, or leave it empty."),
    "occurred_at": _l("Enter the date it happened; it cannot be in the future."),
    "requested_due_at": _l("Enter a date from today on, or leave it empty."),
    "score": _l("Choose a score from 1 to 5."),
}
#: The inputs of the complaint form besides the sector's fields.
SUBMIT_INPUTS = frozenset(
    {
        "kind",
        "subject",
        "description",
        "occurred_at",
        "requested_due_at",
        "customer.name",
        "customer.phone",
        "customer.email",
        attachments.FORM_FIELD,
    }
)
#: Text inputs, and the model whose maximum length they take.
LIMITED: dict[str, type[BaseModel]] = {
    "subject": TicketIn,
    "description": TicketIn,
    "customer.name": CustomerIn,
    "customer.phone": CustomerIn,
    "customer.email": CustomerIn,
    "comment": payloads.Rate,
    "reason": payloads.Reason,
}
THANKS = {
    "rate": _l("Thank you for rating our answer."),
    "appeal": _l("We have received your appeal and will look at your case again."),
}


@dataclass(frozen=True)
class LookupBudget:
    limiter: MovingWindowRateLimiter
    item: RateLimitItem


# --- binding each request to the tenant of its URL -------------------------------------


@bp.record_once
def _set_up_lookup_limit(state: BlueprintSetupState) -> None:
    # Not Flask-Limiter: its Limiter hooks into every request of the app, and these
    # pages only need to count one kind of POST. This is the library Flask-Limiter
    # counts with, on the same storage setting: memory (one count per process) by
    # default, shared by all workers when RATELIMIT_STORAGE_URI points at Redis.
    app = state.app
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    # Parsed here, so a mistyped setting stops the app at start, not every lookup.
    item = parse(app.config.setdefault("CUSTOMER_LOOKUP_LIMIT", LOOKUP_LIMIT))
    app.extensions[LIMITER] = LookupBudget(MovingWindowRateLimiter(storage), item)


@bp.url_value_preprocessor
def _take_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.tenant_slug = (values or {}).pop("slug", None)


@bp.url_defaults
def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "slug" not in values and g.get("tenant") is not None:
        values["slug"] = g.tenant.slug


@bp.before_request
def _bind_tenant() -> None:
    """Bind the session to the URL's tenant; this runs after the app's own binding, so a
    signed-in staff member sees here exactly what a customer sees."""
    stmt = select(Tenant).where(Tenant.slug == g.tenant_slug, Tenant.active.is_(True))
    tenant = db.session.scalar(stmt)
    if tenant is None:
        abort(404)
    set_scope(db.session, tenant.id)
    g.tenant = tenant
    sectors().get(tenant.sector)  # the sector error page when its plugin is broken


def _language() -> Locale:
    return "zh" if str(get_locale()).startswith("zh") else "en"


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(g.tenant.timezone)).date()


# --- submitting a complaint ------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def submit() -> Any:
    document = policy_of(sectors(), active_version(db.session, g.tenant)).document
    if request.method == "GET":
        return _submit_page(document, {}, {})
    values = _sector_values(_public_fields(document))
    data, problems = _read_complaint(document, values)
    try:
        uploads = attachments.check(request.files.getlist(attachments.FORM_FIELD))
    except InvalidInput as exc:
        problems.update(exc.problems)
        uploads = []
    try:
        ticket_in = _ticket_in(data, problems, document)
        received = receive_ticket(db.session, sectors(), g.tenant, ticket_in, now=utcnow())
    except InvalidInput as exc:
        db.session.rollback()
        return _submit_page(document, _explain(exc.problems, document.fields), values, 422)
    number = received.ticket.number
    # A repeat of an open case brings its files to that case.
    with attachments.storing(
        db.session,
        received.ticket,
        uploads,
        event=None,
        public=True,
        uploaded_by_id=None,
    ):
        db.session.commit()
    # A repeat of an open case adds a reminder to it: the customer gets its number back.
    session[SUBMITTED] = {
        "tenant": g.tenant.id,
        "number": number,
        "reminder": received.reminder is not None,
    }
    # Redirect, so that reloading the thank-you page cannot file the complaint twice.
    return redirect(url_for(".submitted"), code=303)


def _public_fields(document: PolicyDocument) -> list[FieldSpec]:
    """The sector fields a customer is asked; staff judge the others."""
    return [spec for spec in document.fields if spec.public]


def _public_kinds(document: PolicyDocument) -> list[str]:
    return [kind for kind in document.kinds if kind in PUBLIC_KINDS]


def _channel(document: PolicyDocument) -> str:
    keys = [channel.key for channel in document.channels]
    return WEB_CHANNEL if WEB_CHANNEL in keys or not keys else keys[0]


def _read_complaint(
    document: PolicyDocument, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as TicketIn data, and the problems only this page knows about."""
    form = request.form
    problems: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in _public_kinds(document):
        problems["kind"] = "not offered on this page"
    phone = form.get("customer.phone", "").strip()
    if not phone:
        # Without it the customer could never track the ticket.
        problems["customer.phone"] = "is required"
    zone = ZoneInfo(g.tenant.timezone)
    occurred = _day("occurred_at", problems)
    requested = _day("requested_due_at", problems)
    data = {
        "kind": kind,
        "channel": _channel(document),
        "subject": form.get("subject", ""),
        "description": form.get("description", ""),
        "customer": {
            "name": form.get("customer.name", "").strip() or None,
            "phone": phone or None,
            "email": form.get("customer.email", "").strip() or None,
        },
        "fields": values,
        # A date alone: the incident happened on that day, the answer is due by its end.
        "occurred_at": datetime.combine(occurred, time.min, zone) if occurred else None,
        "requested_due_at": datetime.combine(requested, END_OF_DAY, zone) if requested else None,
    }
    return data, problems


def _day(name: str, problems: dict[str, str]) -> date | None:
    raw = request.form.get(name, "").strip()
    day = as_date(raw) if raw else None
    if raw and day is None:
        problems[name] = "is not a date"
    return day


def _sector_values(specs: list[FieldSpec]) -> dict[str, Any]:
    """The sector's fields from the form. An unticked box says nothing (a box cannot
    tell "no" from "not answered", and sectors invalidate on an explicit no) unless the
    field is required. Text that is not a number is passed on as text, for the core to
    report like any other problem."""
    values: dict[str, Any] = {}
    for spec in specs:
        name = f"fields.{spec.key}"
        if spec.type == "boolean":
            if name in request.form or spec.required:
                values[spec.key] = name in request.form
            continue
        raw = request.form.get(name, "").strip()
        if raw:
            values[spec.key] = _number(raw) if spec.type in ("number", "integer") else raw
    return values


def _number(raw: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            continue
    return raw


def _ticket_in(
    data: dict[str, Any], problems: dict[str, str], document: PolicyDocument
) -> TicketIn:
    """``data`` as TicketIn, or InvalidInput with every problem found before the core's
    checks: this page's, the model's, and the sector fields'."""
    try:
        ticket_in = TicketIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.setdefault(".".join(map(str, error["loc"])), error["msg"])
    if problems:
        fields = validate_fields(data["fields"], document.fields)
        raise InvalidInput({**{f"fields.{k}": v for k, v in fields.items()}, **problems})
    return ticket_in


def _explain(problems: dict[str, str], specs: list[FieldSpec]) -> dict[str, str]:
    """Each problem as a message in the page's language saying what the input needs.

    The core's messages are English and written for developers; the page knows each
    input's rules, so it states those instead, and shows the core's text only for
    problems that belong to no input of the form.
    """
    by_name = {f"fields.{spec.key}": spec for spec in specs}
    messages = {}
    for name, raw in problems.items():
        spec = by_name.get(name)
        on_form = spec is not None or name in LIMITED or name in HINTS
        if on_form and not request.form.get(name, "").strip():
            messages[name] = _("This field is required.")
        elif spec is not None:
            messages[name] = _field_hint(spec)
        elif name in HINTS:
            messages[name] = str(HINTS[name])
        elif name in LIMITED:
            messages[name] = _("Enter at most %(n)d characters.", n=_max_length(name))
        else:
            messages[name] = raw
    return messages


def _field_hint(spec: FieldSpec) -> str:
    if spec.type in ("number", "integer"):
        parts = [_("Enter a whole number.") if spec.type == "integer" else _("Enter a number.")]
        if spec.min is not None:
            parts.append(_("The smallest allowed is %(min)s.", min=spec.min))
        if spec.max is not None:
            parts.append(_("The largest allowed is %(max)s.", max=spec.max))
        return " ".join(parts)
    if spec.type == "string" and spec.max_length is not None:
        return _("Enter at most %(n)d characters.", n=spec.max_length)
    if spec.type == "date":
        return _("Enter a date.")
    return _("Choose one of the options.")


def _max_length(name: str) -> int | None:
    for rule in LIMITED[name].model_fields[name.rpartition(".")[2]].metadata:
        if isinstance(rule, MaxLen):
            return rule.max_length
    return None


def _limits() -> dict[str, int | None]:
    return {name: _max_length(name) for name in LIMITED}


def _submit_page(
    document: PolicyDocument, problems: dict[str, str], values: dict[str, Any], status: int = 200
) -> tuple[str, int]:
    kinds = _public_kinds(document)
    default = "complaint" if "complaint" in kinds else next(iter(kinds), "")
    chosen = request.form.get("kind") or default
    html = render_template(
        "customer/submit.html",
        kinds=[(kind, KIND_LABELS[Kind(kind)]) for kind in kinds],
        chosen_kind=chosen,
        fields=_public_fields(document),
        form_names=SUBMIT_INPUTS | {f"fields.{spec.key}" for spec in _public_fields(document)},
        language=_language(),
        problems=problems,
        form=request.form,
        checked={key for key, value in values.items() if value is True},
        limits=_limits(),
        today=_today().isoformat(),
        max_bytes=attachments.human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
        max_files=current_app.config["ATTACHMENT_MAX_FILES"],
    )
    return html, status


@bp.route("/submitted")
def submitted() -> Any:
    entry = session.get(SUBMITTED)
    if not isinstance(entry, dict) or entry.get("tenant") != g.tenant.id:
        return redirect(url_for(".submit"), code=303)
    return render_template(
        "customer/submitted.html", number=entry["number"], reminder=entry.get("reminder", False)
    )


# --- tracking ---------------------------------------------------------------------------


@bp.route("/track", methods=["GET"])
def track_form() -> Any:
    return _lookup_page(number=request.args.get("number", "")[:32])


@bp.route("/track", methods=["POST"])
def track() -> Any:
    wait = _spend_lookup()
    if wait is not None:
        message = _(
            "Too many lookups from your network. Please try again in %(n)d seconds.", n=wait
        )
        html, status = _lookup_page(message=message, status=429)
        return html, status, {"Retry-After": str(wait)}
    number = request.form.get("number", "").strip().upper()
    phone = request.form.get("phone", "").strip()
    ticket = _find(number, phone)
    if ticket is None:
        session.pop(TRACKED, None)
        message = _("No ticket matches this number and phone number. Please check both.")
        return _lookup_page(message=message, status=404)
    session[TRACKED] = {"tenant": g.tenant.id, "number": ticket.number, "phone": phone}
    return _ticket_page(ticket)


@bp.route("/track/rate", methods=["POST"])
def rate() -> Any:
    score = request.form.get("score", "").strip()
    payload = {"comment": request.form.get("comment", ""), **({"score": score} if score else {})}
    return _act("rate", payload)


@bp.route("/track/appeal", methods=["POST"])
def appeal() -> Any:
    return _act("appeal", {"reason": request.form.get("reason", "")})


def _act(name: str, payload: dict[str, Any]) -> Any:
    ticket = _tracked_ticket()
    if ticket is None:
        message = _("Please look your ticket up with its number and your phone number first.")
        return _lookup_page(message=message, status=403)
    try:
        perform(db.session, sectors(), g.tenant, ticket, name, None, payload, now=utcnow())
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        problems = _explain(exc.problems, [])
        return _ticket_page(_tracked_or_404(), problems=problems, status=422)
    except ActionRefused as exc:
        db.session.rollback()
        return _ticket_page(_tracked_or_404(), refusal=exc.message, status=exc.status)
    return _ticket_page(ticket, thanks=str(THANKS[name]))


@bp.route("/track/attachments/<int:attachment_id>")
def attachment(attachment_id: int) -> Any:
    """A file the customer may see, of the ticket this session last looked up; the
    same 404 for every other case, so ids cannot be probed."""
    ticket = _tracked_ticket()
    found = get_in_scope(db.session, Attachment, attachment_id)
    if ticket is None or found is None or found.ticket_id != ticket.id or not found.public:
        abort(404)
    return attachments.send(found)


def _spend_lookup() -> int | None:
    """Count one lookup from this client address; the seconds to wait when over."""
    budget: LookupBudget = current_app.extensions[LIMITER]
    who = request.remote_addr or "unknown"
    if budget.limiter.hit(budget.item, LOOKUP_SCOPE, who):
        return None
    reset = budget.limiter.get_window_stats(budget.item, LOOKUP_SCOPE, who).reset_time
    return max(1, math.ceil(reset - clock.time()))


def _find(number: str, phone: str) -> Ticket | None:
    """The tenant's ticket ``number`` if it was filed with ``phone``, else None."""
    if not number or not phone:
        return None
    ticket = db.session.scalar(
        select(Ticket)
        .where(Ticket.number == number)
        .options(selectinload(Ticket.customer), selectinload(Ticket.events))
    )
    if ticket is None or ticket.customer is None or not ticket.customer.phone:
        return None
    # Spaces and dashes are how people write numbers, not part of them.
    same = hmac.compare_digest(_digits(ticket.customer.phone), _digits(phone))
    return ticket if same else None


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isascii() and c.isdigit())


def _tracked_ticket() -> Ticket | None:
    """The ticket of the pair verified by this session's last lookup, checked again."""
    pair = session.get(TRACKED)
    if not isinstance(pair, dict) or pair.get("tenant") != g.tenant.id:
        return None
    return _find(str(pair.get("number", "")), str(pair.get("phone", "")))


def _tracked_or_404() -> Ticket:
    ticket = _tracked_ticket()
    if ticket is None:
        abort(404)
    return ticket


def _lookup_page(*, number: str = "", message: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("customer/track.html", number=number, message=message), status


def _ticket_page(
    ticket: Ticket,
    *,
    thanks: str = "",
    refusal: str = "",
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """What the customer may see of a ticket: no internal notes, staff, classification."""
    replies = [event for event in ticket.events if event.public and event.type == "reply"]
    files = db.session.scalars(
        select(Attachment)
        .where(Attachment.ticket_id == ticket.id, Attachment.public.is_(True))
        .order_by(Attachment.id)
    )
    html = render_template(
        "customer/ticket.html",
        ticket=ticket,
        attachments=attachments.by_event(files),
        status_label=STATUS_LABELS[Status(ticket.status)],
        replies=replies,
        can_rate=allowed(ACTIONS["rate"], ticket.status, CUSTOMER),
        can_appeal=allowed(ACTIONS["appeal"], ticket.status, CUSTOMER),
        thanks=thanks,
        refusal=refusal,
        problems=problems or {},
        form=request.form,
        limits=_limits(),
    )
    return html, status
