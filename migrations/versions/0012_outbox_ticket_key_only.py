"""outbox: the ticket is its one foreign key

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 15:20:00

A queued message carries what it is written from (recipient, language, the
milestone's name and due time) and goes with its ticket, whose own keys reach the
tenant. The keys to the tenant, the event, the milestone and the user each cost a
lookup and a row lock for every message queued: 45% of the time of inserting 10,000
breach notices (bench B2, docs/performance.md).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

KEYS = {
    'fk_outbox_tenant_id_tenants': ('tenants', 'tenant_id', 'CASCADE'),
    'fk_outbox_event_id_events': ('events', 'event_id', 'CASCADE'),
    'fk_outbox_milestone_id_milestones': ('milestones', 'milestone_id', 'SET NULL'),
    'fk_outbox_user_id_users': ('users', 'user_id', 'SET NULL'),
}


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        for name in KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        for name, (table, column, ondelete) in KEYS.items():
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=ondelete)
