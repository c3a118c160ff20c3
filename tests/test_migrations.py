"""The migrations build the models' schema exactly, and run down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade

from portal.extensions import db


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
