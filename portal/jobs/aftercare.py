"""After the answer: the callback reminder, and closing what the customer left.

* ``callback`` in the policy: once a ticket has been resolved for ``callback.after``,
  one ``callback_due`` event and a notice to whoever is responsible; a ticket resolved
  again (after a reopening) is reminded again. Resolving stamps the ticket with the
  time its reminder falls due, from its own policy version (``Ticket.callback_due_at``);
  the claim reads the due stamps alone and clears them, so each run costs what is due,
  not what is resolved.
* ``auto_close`` in the policy: a ticket waiting on the customer for longer than
  ``pending_customer_hours`` is closed, with a note on its timeline. One claim of up to
  the batch's size across all versions holds each ticket to its own version's cutoff.

Durations are counted in wall time (a day is 24 hours), which is what a reminder or a
grace period needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, literal, select, update

from portal.database import DbSession, among
from portal.jobs.sql import as_json, claim, insert_events, latest_event_at
from portal.models import Milestone, PolicyVersion, Tenant, Ticket
from portal.models.base import UTCDateTime
from portal.notifications.queue import queue_for_events
from portal.notifications.recipients import Notice
from portal.workflow.states import Status

CALLBACK_DUE = "callback_due"
CLOSE = "close"


def _versions(session: DbSession, section: str, status: Status) -> list[Any]:
    """(version id, tenant locale, section) of the versions that set ``section`` and
    are used by tickets in ``status``."""
    used = select(Ticket.policy_version_id).where(Ticket.status == status)
    rows = session.execute(
        select(PolicyVersion.id, Tenant.locale, PolicyVersion.document[section])
        .join(Tenant, Tenant.id == PolicyVersion.tenant_id)
        .where(PolicyVersion.id.in_(used))
        .order_by(PolicyVersion.id)
    ).all()
    return [row for row in rows if row[2]]


def _cutoff(versions: list[Any], of: Callable[[Any], datetime]) -> ColumnElement[Any]:
    """Each ticket's cutoff time, from its own version's section: one CASE, so the
    tickets in the status are read once, not once per version (bench B2)."""
    return case(
        {version_id: literal(of(section), UTCDateTime()) for version_id, _, section in versions},
        value=Ticket.policy_version_id,
    )


def callback_batch(session: DbSession, now: datetime, size: int) -> dict[str, int]:
    due = [Ticket.status == Status.RESOLVED, Ticket.callback_due_at <= now]
    ids = claim(session, select(Ticket.id).where(*due).order_by(Ticket.id), size)
    if not ids:
        return {}
    locales = session.execute(
        select(Ticket.id, Tenant.locale)
        .join(Tenant, Tenant.id == Ticket.tenant_id)
        .where(among(session, Ticket.id, ids))
        .order_by(Tenant.locale)
    ).all()
    reminders = 0
    for locale, group in groupby(locales, key=itemgetter(1)):
        with force_locale(locale):
            text = _("The callback to the customer is due.")
        mine = select(Ticket).where(among(session, Ticket.id, [id_ for id_, _ in group]))
        events = insert_events(session, mine, CALLBACK_DUE, now, as_json({"text": text}))
        reminders += len(events)
        queue_for_events(session, Notice.CALLBACK_DUE, events)
    session.execute(
        update(Ticket)
        .where(among(session, Ticket.id, ids))
        .values(callback_due_at=None)
        .execution_options(synchronize_session=False)
    )
    return {"claimed": len(ids), "callbacks_due": reminders}


def close_batch(session: DbSession, now: datetime, size: int) -> dict[str, int]:
    versions = _versions(session, "auto_close", Status.PENDING_CUSTOMER)
    if not versions:
        return {}
    stale = [
        Ticket.policy_version_id.in_([version_id for version_id, _, _ in versions]),
        Ticket.status == Status.PENDING_CUSTOMER,
        latest_event_at("wait_customer")
        <= _cutoff(versions, lambda rule: now - timedelta(hours=rule["pending_customer_hours"])),
    ]
    ids = claim(session, select(Ticket.id).where(*stale).order_by(Ticket.id), size)
    if not ids:
        return {}
    closed = 0
    for version_id, locale, rule in versions:
        with force_locale(locale):
            note = _(
                "Closed automatically: the customer did not answer within %(hours)s hours.",
                hours=rule["pending_customer_hours"],
            )
        data = {"from": Status.PENDING_CUSTOMER, "to": Status.CLOSED, "comment": note}
        mine = select(Ticket).where(
            among(session, Ticket.id, ids), Ticket.policy_version_id == version_id
        )
        closed += len(insert_events(session, mine, CLOSE, now, as_json(data)))
    session.execute(
        update(Milestone)
        .where(
            among(session, Milestone.ticket_id, ids),
            Milestone.met_at.is_(None),
            Milestone.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Ticket)
        .where(among(session, Ticket.id, ids))
        .values(
            status=Status.CLOSED,
            closed_at=now,
            next_due_at=None,
            updated_at=now,
            version=Ticket.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return {"claimed": len(ids), "tickets_closed": closed}
