"""The migrations build the models' schema exactly, run down and up again, and fill
the columns they add as the application would have."""

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.extensions import db
from portal.models import Ticket
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import make_tenant, make_user
from tests.jobs_kit import act, new_ticket, review_at, set_policy
from tests.test_jobs_review import T0


def _diff():
    with db.engine.connect() as conn:
        options = current_app.extensions["migrate"].configure_args
        context = MigrationContext.configure(conn, opts=options)
        return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_the_models(app):
    assert _diff() == []


def test_downgrade_to_base_and_upgrade_again(app):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        assert "tickets" not in db.inspect(conn).get_table_names()
    upgrade()
    assert _diff() == []


def test_0014_stamps_the_tickets_resolved_before_it_as_resolving_does(app):
    tenant = make_tenant("estate")
    agent = make_user(tenant, "agent")
    after = {"after": {"amount": 2, "unit": "hours"}}
    set_policy(tenant, callback={**after, "within": {"amount": 3, "unit": "calendar_days"}})
    waiting, reminded, working = (new_ticket(tenant, T0, phone=f"1370000000{n}") for n in range(3))
    for ticket in (waiting, reminded, working):
        act(tenant, ticket, "accept", agent, T0)
    act(tenant, reminded, "resolve", agent, T0, summary="修好了")
    assert review_at(T0 + timedelta(hours=2))["callbacks_due"] == 1
    act(tenant, waiting, "resolve", agent, T0 + timedelta(hours=3), summary="修好了")
    stamped = _stamps()
    assert stamped == {
        waiting.id: T0 + timedelta(hours=5),
        reminded.id: None,
        working.id: None,
    }
    db.session.remove()

    downgrade(revision="0013")
    upgrade()

    assert _stamps() == stamped


def _stamps():
    with tenant_scope(db.session, ALL_TENANTS):
        rows = db.session.execute(select(Ticket.id, Ticket.callback_due_at)).all()
    return {ticket_id: due for ticket_id, due in rows}
