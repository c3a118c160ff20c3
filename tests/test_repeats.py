"""Repeat complaints (重复投诉): reminders at intake, links to settled tickets, and the
``link_repeat`` action."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Ticket, TicketCounter
from portal.plugins import sectors
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.validation import InvalidInput
from portal.workflow.intake import TicketIn, receive_ticket
from portal.workflow.perform import ActionRefused
from tests.conftest import make_tenant, make_user
from tests.test_workflow import T0, act

PHONE = "13700000000"


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    set_scope(db.session, tenant.id)
    with force_locale("en"):
        yield tenant


@pytest.fixture
def agent(tenant):
    return make_user(tenant, "agent")


def receive(tenant, at=T0, **changes):
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "电梯故障",
        "description": "三号楼电梯停运",
        "customer": {"name": "李先生", "phone": PHONE},
        **changes,
    }
    received = receive_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=at)
    db.session.commit()
    return received


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def serial():
    return db.session.scalar(select(TicketCounter.value))


def test_a_repeat_while_the_ticket_is_open_reminds_it_and_opens_nothing(tenant):
    first = receive(tenant).ticket
    later = T0 + timedelta(days=1)

    again = receive(tenant, at=later, subject="电梯还没修好", channel="web", description="催")

    assert again.ticket.id == first.id
    assert (count(Ticket), serial()) == (1, 1)  # no ticket, no number used
    reminder = again.reminder
    assert reminder is not None and first.events[-1] is reminder
    assert (reminder.type, reminder.public) == ("reminder", False)
    assert reminder.data == {"subject": "电梯还没修好", "description": "催", "channel": "web"}
    assert first.updated_at == later
    assert receive(tenant, category="service").ticket.number.endswith("-000002")


def test_a_repeat_after_resolution_opens_a_linked_ticket(tenant, agent):
    first = receive(tenant).ticket
    act(tenant, first, "accept", agent)
    act(tenant, first, "resolve", agent, summary="已修复")

    again = receive(tenant, at=T0 + timedelta(days=3))

    assert again.reminder is None and again.ticket.id != first.id
    assert again.ticket.related_ticket_id == first.id
    assert again.ticket.events[0].data["related_ticket"] == first.number


@pytest.mark.parametrize(
    "changes",
    [
        {"category": "service"},  # another matter
        {"kind": "consultation"},  # not a complaint
        {"customer": {"name": "王女士", "phone": "13900000001"}},  # another customer
        {"customer": {"phone": PHONE, "anonymous": True}},  # nobody to recognise
    ],
)
def test_anything_but_the_same_customer_and_matter_is_a_new_unlinked_ticket(tenant, changes):
    first = receive(tenant).ticket
    other = receive(tenant, **changes)
    assert other.reminder is None and other.ticket.id != first.id
    assert other.ticket.related_ticket_id is None


def test_an_invalid_earlier_ticket_is_not_repeated(tenant, agent):
    first = receive(tenant).ticket
    act(tenant, first, "invalidate", agent, reason="anonymous")
    again = receive(tenant)
    assert again.ticket.id != first.id and again.ticket.related_ticket_id is None


def test_a_named_related_ticket_opens_a_new_ticket_even_while_it_is_open(tenant):
    first = receive(tenant).ticket
    again = receive(tenant, related_ticket=first.number)
    assert again.reminder is None and again.ticket.related_ticket_id == first.id


def test_the_same_phone_at_another_organisation_is_another_customer(app, tenant):
    receive(tenant)
    other = make_tenant("elsewhere")
    with tenant_scope(db.session, other.id):
        received = receive(other)
        assert received.reminder is None and received.ticket.tenant_id == other.id


def test_link_repeat_links_to_an_earlier_ticket_with_an_event_on_both(tenant, agent):
    first = receive(tenant).ticket
    second = receive(tenant, category="service", at=T0 + timedelta(hours=1)).ticket

    event = act(tenant, second, "link_repeat", agent, related_ticket=first.number)

    assert second.related_ticket_id == first.id
    assert event.data["related_ticket"] == [None, first.number]
    assert (first.events[-1].type, first.events[-1].data) == (
        "repeated_by",
        {"ticket": second.number},
    )
    with pytest.raises(ActionRefused, match="already linked"):
        act(tenant, second, "link_repeat", agent, related_ticket=first.number)
    db.session.rollback()
    with pytest.raises(ActionRefused, match="opened before it"):
        act(tenant, first, "link_repeat", agent, related_ticket=second.number)
    db.session.rollback()
    assert count(Event) == 4  # two created, the link and its note on the earlier ticket
    assert first.related_ticket_id is None


def test_link_repeat_cannot_reach_another_organisation(app, tenant, agent):
    other = make_tenant("elsewhere")
    with tenant_scope(db.session, other.id):
        foreign = receive(other, at=T0 - timedelta(days=1)).ticket.number
    set_scope(db.session, tenant.id)
    ticket = receive(tenant).ticket
    version = ticket.version

    # not even from a session that sees every tenant, as the import's does
    for scope in (tenant.id, ALL_TENANTS):
        with tenant_scope(db.session, scope), pytest.raises(InvalidInput, match="related_ticket"):
            act(tenant, ticket, "link_repeat", agent, related_ticket=foreign)
        db.session.rollback()
        assert (ticket.related_ticket_id, ticket.version, len(ticket.events)) == (None, version, 1)
