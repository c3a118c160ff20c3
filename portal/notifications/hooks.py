"""Queue an action's notices in the flush that writes its event.

Every lifecycle action, from the desk, the API or the customer pages, goes through
:func:`portal.workflow.perform.perform`, which writes exactly one timeline event and
flushes. A session's ``after_flush`` is therefore the one place that sees every
action, without the workflow knowing about notifications: by then the flush has
written the event (it has its id) and the ticket's new state (the new assignee), and
the INSERT ... SELECT runs on the flush's own connection and transaction. So the
outbox row commits with the change or rolls back with it: never a message about an
action that did not happen, never an action whose message was lost.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.models import Event
from portal.notifications.queue import queue_for_events
from portal.notifications.recipients import EVENT_NOTICES, Notice


def _queue_new_events(session: Session, flush_context: Any) -> None:
    # In after_flush ``session.new`` still lists what this flush inserted.
    new: dict[Notice, list[int]] = defaultdict(list)
    for obj in session.new:
        if isinstance(obj, Event) and obj.type in EVENT_NOTICES:
            new[Notice(obj.type)].append(obj.id)
    for kind, ids in new.items():
        queue_for_events(session, kind, ids)


def install() -> None:
    """Listen on every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "after_flush", _queue_new_events):
        event.listen(Session, "after_flush", _queue_new_events)
