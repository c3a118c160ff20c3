"""The ticket page of the desk, and the lifecycle actions taken from it.

Tickets are found by number through the tenant-scoped session, so another tenant's
number is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import attachments
from portal.auth import roles_required
from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEntry,
    Department,
    Event,
    Role,
    Ticket,
    User,
    utcnow,
)
from portal.plugins import sectors
from portal.policy.engine import Policy, policy_of
from portal.policy.versions import ticket_version
from portal.tenancy import get_in_scope
from portal.validation import InvalidInput
from portal.web.desk import DESK_ROLES
from portal.workflow.actions import ACTIONS, STAFF, allowed
from portal.workflow.intake import reasons_locale
from portal.workflow.payloads import PAYLOADS
from portal.workflow.perform import ActionRefused, perform
from portal.workflow.states import KIND_LABELS, STATUS_LABELS

bp = Blueprint("ticket", __name__, url_prefix="/desk/tickets")

#: Roles that see customers' full phone numbers; others see them masked.
SEES_CONTACTS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.TENANT_ADMIN})
#: The actions whose form takes files: an internal note, or a reply the customer sees.
UPLOADS = frozenset({"note", "reply"})

bp.add_app_template_filter(attachments.human_size, "filesize")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "***"


def load_ticket(number: str) -> Ticket:
    """The signed-in user's tenant's ticket ``number``, or 404."""
    ticket = db.session.scalar(
        select(Ticket)
        .where(Ticket.number == number)
        .options(
            selectinload(Ticket.milestones),
            selectinload(Ticket.events).selectinload(Event.actor),
            selectinload(Ticket.customer),
        )
    )
    if ticket is None:
        abort(404)
    return ticket


def _choices(policy: Policy) -> dict[str, list[tuple[Any, str]]]:
    """The options of the action forms' select fields."""
    locale = reasons_locale(g.tenant)
    staff = db.session.scalars(
        select(User)
        .where(User.role.in_(list(STAFF)), User.active.is_(True))
        .order_by(User.display_name)
    )
    departments = db.session.scalars(select(Department).order_by(Department.code))
    return {
        "tier": [(t.key, t.label.text(locale)) for t in policy.document.tiers],
        "assignee_id": [(u.id, u.display_name) for u in staff],
        "department_id": [(d.id, d.name) for d in departments],
        "reason@invalidate": [
            (r.key, r.label.text(locale)) for r in policy.document.validity_reasons
        ],
        "attitude": [
            ("satisfied", _("Satisfied")),
            ("neutral", _("Neutral")),
            ("unsatisfied", _("Unsatisfied")),
        ],
    }


TEXTAREAS = frozenset({"message", "text", "comment", "summary", "reason"})


def form_fields(name: str, choices: dict[str, Any]) -> list[dict[str, Any]]:
    """How to ask for each input of action ``name``: (field, widget, options, required)."""
    fields = []
    for field, info in PAYLOADS[name].model_fields.items():
        options = choices.get(f"{field}@{name}", choices.get(field))
        if options is not None:
            widget = "select"
        elif info.annotation in (bool, bool | None):
            widget = "checkbox"
        elif info.annotation is int:
            widget = "number"
        else:
            widget = "textarea" if field in TEXTAREAS else "text"
        fields.append(
            {"name": field, "widget": widget, "options": options, "required": info.is_required()}
        )
    return fields


def _shown_phone(ticket: Ticket) -> str:
    """The customer's phone as this user may see it; a full number shown is audited
    (who saw whose personal data, and when)."""
    phone = ticket.customer.phone if ticket.customer else None
    if current_user.role not in SEES_CONTACTS:
        return mask_phone(phone)
    if phone:
        db.session.add(
            AuditEntry(
                tenant_id=ticket.tenant_id,
                actor_id=current_user.id,
                action="view_contact",
                object_type="tickets",
                object_id=ticket.number,
            )
        )
        db.session.commit()
    return phone or ""


def _page(ticket: Ticket, problems: dict[str, str] | None = None, status: int = 200) -> Any:
    registry = sectors()
    policy = policy_of(registry, ticket_version(db.session, ticket))
    actions = [a for a in ACTIONS.values() if allowed(a, ticket.status, current_user.role)]
    choices = _choices(policy)
    locale = reasons_locale(g.tenant)
    files = db.session.scalars(
        select(Attachment).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
    )
    html = render_template(
        "desk/ticket.html",
        ticket=ticket,
        attachments=attachments.by_event(files),
        uploads=UPLOADS,
        max_bytes=attachments.human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
        policy=policy.document,
        locale=locale,
        field_labels={f.key: f.label.text(locale) for f in policy.document.fields},
        tier_labels={t.key: t.label.text(locale) for t in policy.document.tiers},
        actions=[(a, form_fields(a.name, choices)) for a in actions],
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        phone=_shown_phone(ticket),
        problems=problems or {},
        guidance=registry.call(
            g.tenant.sector,
            "sector_guidance",
            ticket=ticket,
            document=policy.document,
            locale=locale,
        ),
    )
    return html, status


@bp.route("/<number>")
@roles_required(*DESK_ROLES)
def page(number: str) -> Any:
    return _page(load_ticket(number))


@bp.route("/<number>/actions/<name>", methods=["POST"])
@roles_required(*DESK_ROLES)
def action(number: str, name: str) -> Any:
    ticket = load_ticket(number)
    if name not in ACTIONS:
        abort(404)
    payload = _form_payload(name)
    version = request.form.get("version", "")
    try:
        uploads = attachments.check(request.files.getlist(attachments.FORM_FIELD))
        if uploads and name not in UPLOADS:
            raise InvalidInput({attachments.FORM_FIELD: _("Files go with a note or a reply.")})
        event = perform(
            db.session,
            sectors(),
            g.tenant,
            ticket,
            name,
            current_user,
            payload,
            now=utcnow(),
            expected_version=int(version) if version.isdecimal() else None,
        )
        with attachments.storing(
            db.session,
            ticket,
            uploads,
            event=event,
            public=event.public,
            uploaded_by_id=current_user.id,
        ):
            db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        return _page(load_ticket(number), exc.problems, 422)
    except ActionRefused as exc:
        db.session.rollback()
        return _page(load_ticket(number), {"action": exc.message}, exc.status)
    return redirect(url_for("ticket.page", number=number), code=303)


@bp.route("/<number>/attachments/<int:attachment_id>")
@roles_required(*DESK_ROLES)
def attachment(number: str, attachment_id: int) -> Any:
    ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.number == number))
    found = get_in_scope(db.session, Attachment, attachment_id)
    if ticket_id is None or found is None or found.ticket_id != ticket_id:
        abort(404)
    return attachments.send(found)


def _form_payload(name: str) -> dict[str, Any]:
    """The action's fields from the form, typed as its payload model expects."""
    model = PAYLOADS[name]
    payload: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        raw = request.form.get(field)
        if info.annotation is bool or info.annotation == (bool | None):
            if raw is not None or info.is_required():
                payload[field] = raw in ("1", "on", "true", "yes")
        elif raw not in (None, ""):
            payload[field] = raw  # pydantic converts digits to int where the model says so
    return payload
