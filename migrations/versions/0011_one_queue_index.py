"""one covering index for the desk queue instead of one per filter

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:10:00

Every UPDATE of a ticket writes a new row version into each index of ``tickets``
(none of them is HOT: the review, the escalation and the actions change indexed
columns). With 15 indexes, escalating 3,000 tickets took 330-420 ms; with none but the
primary key and the unique number, 46 ms (bench B2, docs/performance.md). The eight
(tenant_id, filter, next_due_at) indexes of the queue become one (tenant_id,
next_due_at, id) index that carries the filtered columns, so the queue's pages and
counts are index-only scans (B4 p95 49 ms to 74 ms, budget 150 ms), and the batch
index holds only tickets that belong to a batch.
"""
import sqlalchemy as sa
from alembic import op

QUEUE_FILTERS = [
    'status', 'tier', 'breached', 'kind', 'channel', 'department_id', 'escalation_level',
    'assignee_id',
]
PER_FILTER = {
    'ix_tickets_tenant_id_status_next_due_at': ['tenant_id', 'status', 'next_due_at'],
    'ix_tickets_tenant_id_tier_next_due_at': ['tenant_id', 'tier', 'next_due_at'],
    'ix_tickets_tenant_id_breached_next_due_at': ['tenant_id', 'breached', 'next_due_at'],
    'ix_tickets_tenant_id_tier_breached_next_due_at': ['tenant_id', 'tier', 'breached', 'next_due_at'],
    'ix_tickets_tenant_id_channel_next_due_at': ['tenant_id', 'channel', 'next_due_at'],
    'ix_tickets_tenant_id_department_id_next_due_at': ['tenant_id', 'department_id', 'next_due_at'],
    'ix_tickets_tenant_id_escalation_level_next_due_at': ['tenant_id', 'escalation_level', 'next_due_at'],
}
IN_A_BATCH = sa.text('batch_id IS NOT NULL')


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for name in PER_FILTER:
            batch_op.drop_index(name)
        batch_op.drop_index('ix_tickets_tenant_id_next_due_at_id')
        batch_op.create_index(
            'ix_tickets_tenant_id_next_due_at_id',
            ['tenant_id', 'next_due_at', 'id'],
            unique=False,
            postgresql_include=QUEUE_FILTERS,
        )
        batch_op.drop_index('ix_tickets_batch_id')
        batch_op.create_index(
            'ix_tickets_batch_id',
            ['batch_id'],
            unique=False,
            postgresql_where=IN_A_BATCH,
            sqlite_where=IN_A_BATCH,
        )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_batch_id')
        batch_op.create_index('ix_tickets_batch_id', ['batch_id'], unique=False)
        batch_op.drop_index('ix_tickets_tenant_id_next_due_at_id')
        batch_op.create_index(
            'ix_tickets_tenant_id_next_due_at_id', ['tenant_id', 'next_due_at', 'id'], unique=False
        )
        for name, columns in PER_FILTER.items():
            batch_op.create_index(name, columns, unique=False)
