"""indexes for the bench budgets: report periods, queue order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:00:00

Measured with bench/ at 1,000,000 tickets (docs/performance.md):
* milestones (tenant_id, due_at) and (tenant_id, breached_at): the report's on-time
  rates and breaches of a period read one tenant's milestones by due / breach time;
* events (tenant_id, type, at): the report's escalations, reminders, callbacks and
  ratings of a period;
* tickets (tenant_id, next_due_at, id): the desk queue's default order (nearest due
  first) without a filter that has its own index, and "due within N hours" alone;
* tickets (tenant_id, tier, breached, next_due_at): the queue's tier + breached
  filter, its order, and the page count from the index alone;
* milestones (due_at) of running milestones only (partial): the review's search for
  overdue ones reads a few thousand entries instead of every unmet milestone.
"""
import sqlalchemy as sa
from alembic import op

RUNNING = "met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_tenant_id_due_at'), ['tenant_id', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_tenant_id_breached_at'), ['tenant_id', 'breached_at'], unique=False)
        batch_op.create_index(
            'ix_milestones_running_due_at',
            ['due_at'],
            unique=False,
            postgresql_where=sa.text(RUNNING),
            sqlite_where=sa.text(RUNNING),
        )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_tenant_id_type_at'), ['tenant_id', 'type', 'at'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id_next_due_at_id'), ['tenant_id', 'next_due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id_tier_breached_next_due_at'), ['tenant_id', 'tier', 'breached', 'next_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id_tier_breached_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id_next_due_at_id'))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_tenant_id_type_at'))
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_running_due_at')
        batch_op.drop_index(batch_op.f('ix_milestones_tenant_id_breached_at'))
        batch_op.drop_index(batch_op.f('ix_milestones_tenant_id_due_at'))
