"""Creating, reading and listing tickets."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal.api import idempotency
from portal.api.actors import staff_member
from portal.api.errors import ApiError
from portal.api.render import Renderer
from portal.api.routing import Answer, json_body
from portal.api.schemas import (
    CreateHeaders,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketQuery,
    page_token,
)
from portal.extensions import db
from portal.models import Event, PolicyVersion, Ticket, utcnow
from portal.plugins import sectors
from portal.policy.versions import active_policy
from portal.workflow.intake import open_ticket

#: Made once: an alias builds its own copy of every column of ``tickets`` when first
#: used, which made up a third of an API read's CPU when made per request.
_RELATED = aliased(Ticket)


def ticket_rows(*, events: bool) -> Select:
    """Tickets with their policy version number and related ticket number, and what
    rendering touches loaded in a fixed number of queries, however many rows: the
    collections by one query each, the single rows (customer, department, assignee,
    an event's actor) joined to the rows that point at them. Each further query costs
    more to set up and load than the join (about 2 ms of CPU each)."""
    related = _RELATED
    options = [
        selectinload(Ticket.milestones),
        joinedload(Ticket.customer),
        joinedload(Ticket.department),
        joinedload(Ticket.assignee),
    ]
    if events:
        options.append(selectinload(Ticket.events).joinedload(Event.actor))
    return (
        select(Ticket, PolicyVersion.number, related.number)
        .outerjoin(PolicyVersion, PolicyVersion.id == Ticket.policy_version_id)
        .outerjoin(related, related.id == Ticket.related_ticket_id)
        .options(*options)
    )


def renderer() -> Renderer:
    return Renderer(g.tenant.timezone)


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _not_found(number: str) -> ApiError:
    # The session is bound to the key's tenant, so another tenant's number lands here
    # too, exactly like a made-up one: a client learns nothing about other tenants.
    return ApiError(404, "not_found", _("There is no ticket %(number)s.", number=number))


def find_ticket(number: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        raise _not_found(number)
    return ticket


def get_ticket(number: str) -> Answer:
    row = db.session.execute(ticket_rows(events=True).where(Ticket.number == number)).first()
    if row is None:
        raise _not_found(number)
    detail = renderer().detail(*row)
    return detail, etag(detail.version)


def _answer(ticket: TicketOut, *, replayed: bool) -> Answer:
    headers = {
        "Location": url_for("api.get_ticket", number=ticket.number, _external=True),
        **etag(ticket.version),
    }
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return ticket, headers


def _replayed(ticket_id: int) -> Answer:
    row = db.session.execute(ticket_rows(events=False).where(Ticket.id == ticket_id)).one()
    return _answer(renderer().ticket(*row), replayed=True)


def create_ticket(body: TicketCreate, headers: CreateHeaders) -> Answer:
    key = headers.idempotency_key
    digest = idempotency.body_hash(json_body())
    if key is not None:
        earlier = idempotency.earlier_ticket_id(key, digest)
        if earlier is not None:
            return _replayed(earlier)
    actor = staff_member(headers.actor) if headers.actor else None
    registry = sectors()
    ticket = open_ticket(db.session, registry, g.tenant, body, now=utcnow(), actor=actor)
    try:
        if key is not None:
            idempotency.remember(key, digest, ticket.id)  # written by the refresh's flush
        # The answer is drawn from the objects just written, before the commit expires
        # them, not read back. Only the fields are read again: PostgreSQL keeps its own
        # form of a JSON document (keys reordered, 1e3 as 1000), the form of every later
        # read, replays included.
        db.session.refresh(ticket, ["fields"])
        version = active_policy(db.session, registry, g.tenant).number  # open_ticket's, cached
        answer = _answer(renderer().ticket(ticket, version, body.related_ticket), replayed=False)
        db.session.commit()
    except IntegrityError:
        # A copy of this request stored the same key first: answer with its ticket.
        db.session.rollback()
        earlier = idempotency.earlier_ticket_id(key, digest) if key is not None else None
        if earlier is None:
            raise
        return _replayed(earlier)
    return answer


def _link_params(query: TicketQuery) -> dict[str, Any]:
    params = query.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    params.pop("page", None)
    return {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}


def list_tickets(query: TicketQuery) -> Answer:
    stmt = ticket_rows(events=False)
    if query.status is not None:
        stmt = stmt.where(Ticket.status == query.status)
    if query.tier is not None:
        stmt = stmt.where(Ticket.tier == query.tier)
    if query.kind is not None:
        stmt = stmt.where(Ticket.kind == query.kind)
    if query.breached is not None:
        stmt = stmt.where(Ticket.breached == query.breached)
    if query.updated_since is not None:
        stmt = stmt.where(Ticket.updated_at >= query.updated_since)
    if query.page is not None:
        stmt = stmt.where(Ticket.id < query.page)
    # Newest first by id, continued by keyset: a ticket created or changed between two
    # pages neither repeats nor hides another.
    rows = db.session.execute(stmt.order_by(Ticket.id.desc()).limit(query.limit + 1)).all()
    page, more = rows[: query.limit], len(rows) > query.limit
    next_url = None
    if more:
        next_url = url_for(
            "api.list_tickets",
            _external=True,
            **_link_params(query),
            page=page_token(page[-1][0].id),
        )
    draw = renderer()
    return TicketPage(items=[draw.ticket(*row) for row in page], next=next_url)
