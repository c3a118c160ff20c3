"""What is sent, and to whom, as SQL joined onto the ticket.

Recipients are found in SQL rather than Python so that the review can queue a breach
for every overdue ticket in one INSERT ... SELECT, and an action's notice follows the
very same rules for its one ticket.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    SQLColumnExpression,
    String,
    and_,
    cast,
    exists,
    null,
    or_,
)
from sqlalchemy.orm import aliased

from portal.models import Customer, Role, Ticket, User


class Notice(enum.StrEnum):
    """The kinds of notification; the first three are named after the action's event."""

    ASSIGN = "assign"
    REPLY = "reply"
    ESCALATE = "escalate"
    AT_RISK = "at_risk"
    BREACH = "breach"
    BATCH = "batch"
    CALLBACK_DUE = "callback_due"


@dataclass(frozen=True)
class Recipients:
    """A join from ``tickets`` to the people a notice goes to, and what to read off them."""

    source: Any  # an aliased User or Customer
    on: ColumnElement[bool]
    user_id: SQLColumnExpression[Any]
    address: SQLColumnExpression[Any]
    locale: SQLColumnExpression[Any]  # NULL: the tenant's language
    staff: bool


def _staff(user: Any, on: ColumnElement[bool]) -> Recipients:
    return Recipients(
        user, and_(on, user.active.is_(True)), user.id, user.email, user.locale, staff=True
    )


def _supervisor_of_ticket_tenant(user: Any) -> ColumnElement[bool]:
    return and_(
        user.role == Role.SUPERVISOR,
        user.active.is_(True),
        user.tenant_id == Ticket.tenant_id,
    )


def assignee() -> Recipients:
    user = aliased(User)
    return _staff(user, user.id == Ticket.assignee_id)


def supervisors() -> Recipients:
    """Every supervisor of the ticket's tenant."""
    user = aliased(User)
    return _staff(user, _supervisor_of_ticket_tenant(user))


def responsible() -> Recipients:
    """The assignee; with none, the supervisors of the ticket's department, and when the
    ticket has no department or the department no supervisor, the tenant's supervisors
    (so a warning is never addressed to nobody)."""
    user, peer = aliased(User), aliased(User)
    department_has_supervisor = exists().where(
        _supervisor_of_ticket_tenant(peer), peer.department_id == Ticket.department_id
    )
    unassigned = and_(
        Ticket.assignee_id.is_(None),
        _supervisor_of_ticket_tenant(user),
        or_(user.department_id == Ticket.department_id, ~department_has_supervisor),
    )
    return _staff(user, or_(user.id == Ticket.assignee_id, unassigned))


def customer() -> Recipients:
    """The complainant, if they left an email address; customers have no language of
    their own, so the tenant's is used."""
    person = aliased(Customer)
    return Recipients(
        person,
        and_(person.id == Ticket.customer_id, person.email.is_not(None), person.email != ""),
        cast(null(), Integer),
        person.email,
        cast(null(), String),
        staff=False,
    )


#: The one table of who receives what (docs/notifications.md repeats it for people).
AUDIENCES: dict[Notice, Callable[[], Recipients]] = {
    Notice.ASSIGN: assignee,
    Notice.REPLY: customer,
    Notice.ESCALATE: supervisors,
    Notice.AT_RISK: responsible,
    Notice.BREACH: responsible,
    Notice.BATCH: supervisors,
    Notice.CALLBACK_DUE: responsible,
}

#: Notices sent when an action's event of the same name is written.
EVENT_NOTICES = frozenset({Notice.ASSIGN, Notice.REPLY, Notice.ESCALATE})
