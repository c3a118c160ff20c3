"""Tenant scoping (portal.tenancy): a query in tenant A's scope never returns B's rows."""

import pytest
from sqlalchemy import delete, func, select, update

from portal.extensions import db
from portal.models import Customer, Department, Event, Ticket, utcnow
from portal.numbering import next_ticket_number
from portal.tenancy import ALL_TENANTS, TenantScopeError, get_in_scope, set_scope, tenant_scope
from tests.conftest import make_tenant


def _ticket(tenant, subject):
    with tenant_scope(db.session, tenant.id):
        ticket = Ticket(
            number=next_ticket_number(db.session, tenant, utcnow()),
            kind="complaint",
            status="new",
            channel="phone",
            subject=subject,
            customer=Customer(name=f"customer of {tenant.slug}", phone="13800000000"),
        )
        ticket.events.append(Event(type="created"))
        db.session.add(ticket)
        db.session.commit()
    return ticket.id


@pytest.fixture
def two_tenants(app):
    a, b = make_tenant("tenant-a"), make_tenant("tenant-b")
    ids = {"a": _ticket(a, "A's complaint"), "b": _ticket(b, "B's complaint")}
    tenant_ids = a.id, b.id
    db.session.expunge_all()  # no identity-map shortcut: every read goes to the database
    return *tenant_ids, ids


def test_select_in_a_sees_only_a(two_tenants):
    a, _b, _ids = two_tenants
    set_scope(db.session, a)
    assert db.session.scalars(select(Ticket.subject)).all() == ["A's complaint"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert [c.name for c in db.session.scalars(select(Customer))] == ["customer of tenant-a"]


def test_get_by_id_of_other_tenant_finds_nothing(two_tenants):
    a, _b, ids = two_tenants
    set_scope(db.session, a)
    assert db.session.get(Ticket, ids["b"]) is None
    assert db.session.get(Ticket, ids["a"]) is not None


def test_joins_and_relationship_loads_are_scoped(two_tenants):
    a, _b, ids = two_tenants
    set_scope(db.session, a)
    rows = db.session.execute(select(Ticket.subject, Event.type).join(Event)).all()
    assert rows == [("A's complaint", "created")]
    ticket = db.session.get(Ticket, ids["a"])
    assert [e.ticket_id for e in ticket.events] == [ids["a"]]


def test_bulk_update_and_delete_cannot_reach_other_tenant(two_tenants):
    a, _b, ids = two_tenants
    set_scope(db.session, a)
    db.session.execute(update(Ticket).values(subject="overwritten"))
    db.session.execute(delete(Event))
    db.session.commit()
    set_scope(db.session, ALL_TENANTS)
    subjects = dict(db.session.execute(select(Ticket.id, Ticket.subject)).all())
    assert subjects[ids["b"]] == "B's complaint"
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_new_rows_are_stamped_with_the_scope(two_tenants):
    _a, b, _ids = two_tenants
    set_scope(db.session, b)
    dept = Department(code="service", name="Service")
    db.session.add(dept)
    db.session.commit()
    assert dept.tenant_id == b


def test_writing_another_tenants_row_is_refused(two_tenants):
    a, b, _ids = two_tenants
    set_scope(db.session, a)
    db.session.add(Department(tenant_id=b, code="x", name="planted"))
    with pytest.raises(TenantScopeError):
        db.session.flush()


def test_query_without_scope_is_an_error_not_a_leak(two_tenants):
    set_scope(db.session, None)
    with pytest.raises(TenantScopeError, match="Ticket"):
        db.session.scalars(select(Ticket)).all()


def test_get_in_scope_ignores_rows_already_loaded_under_a_wider_scope(two_tenants):
    a, _b, ids = two_tenants
    set_scope(db.session, ALL_TENANTS)
    loaded = db.session.get(Ticket, ids["b"])  # now in the identity map
    set_scope(db.session, a)
    assert db.session.get(Ticket, ids["b"]) is loaded  # the trap get_in_scope avoids
    assert get_in_scope(db.session, Ticket, ids["b"]) is None
    assert get_in_scope(db.session, Ticket, ids["a"]).subject == "A's complaint"
