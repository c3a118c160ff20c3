"""Model guarantees: UTC times, append-only timelines, immutable policies, optimistic locks."""

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import Event, ImmutableRowError, PolicyVersion, Ticket, utcnow
from portal.numbering import next_ticket_number
from portal.tenancy import set_scope
from tests.conftest import make_tenant


@pytest.fixture
def ticket(app):
    tenant = make_tenant("acme", timezone="Asia/Shanghai")
    set_scope(db.session, tenant.id)
    ticket = Ticket(
        number=next_ticket_number(db.session, tenant, utcnow()),
        kind="complaint",
        status="new",
        channel="phone",
        subject="noisy pump",
    )
    ticket.events.append(Event(type="created"))
    db.session.add(ticket)
    db.session.commit()
    return ticket


def test_times_come_back_aware_utc(ticket):
    db.session.expire_all()
    created = db.session.get(Ticket, ticket.id).created_at
    assert created.utcoffset().total_seconds() == 0


def test_naive_times_are_refused(ticket):
    ticket.occurred_at = datetime(2026, 9, 1, 10, 0)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()


def test_timeline_events_are_append_only(ticket):
    event = ticket.events[0]
    event.type = "rewritten"
    with pytest.raises(ImmutableRowError):
        db.session.commit()


def test_policy_versions_are_immutable(ticket):
    version = db.session.scalar(select(PolicyVersion))
    version.comment = "history rewritten"
    with pytest.raises(ImmutableRowError):
        db.session.commit()


def test_second_writer_from_a_stale_copy_is_refused(ticket):
    other = Session(db.engine)
    set_scope(other, ticket.tenant_id)
    stale = other.get(Ticket, ticket.id)

    ticket.status = "accepted"
    db.session.commit()

    stale.status = "invalid"
    with pytest.raises(StaleDataError):
        other.commit()
    other.close()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "accepted"
