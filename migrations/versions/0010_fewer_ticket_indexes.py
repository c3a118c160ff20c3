"""fewer indexes on the busiest tables; a ticket's latest event of a type from the index

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 15:30:00

Measured with bench/ at 1,000,000 tickets (docs/performance.md, B2 and B6): every row
inserted, and every ticket updated (none of those updates is HOT), writes an entry in
each index of its table.
* tenant_id alone on tickets, milestones, events and customers: each of these tables
  has composite indexes leading with tenant_id, which serve a tenant's rows as well;
* milestones (met_at, due_at): the review and the dashboard read the partial index of
  running milestones (0008) instead;
* events (ticket_id, at) becomes (ticket_id, type, at): a ticket's timeline still
  comes from it, and the latest event of a type (the review's callback and
  auto-close steps, for every resolved or waiting ticket) from the index alone:
  850 ms to 300 ms for the callback step's claim.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_ticket_id_type_at'), ['ticket_id', 'type', 'at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_events_ticket_id_at'))
        batch_op.drop_index(batch_op.f('ix_events_tenant_id'))
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_met_at_due_at'))
        batch_op.drop_index(batch_op.f('ix_milestones_tenant_id'))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id'))
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_tenant_id'))


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_tenant_id'), ['tenant_id'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id'), ['tenant_id'], unique=False)
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_met_at_due_at'), ['met_at', 'due_at'], unique=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_ticket_id_at'), ['ticket_id', 'at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_events_ticket_id_type_at'))
