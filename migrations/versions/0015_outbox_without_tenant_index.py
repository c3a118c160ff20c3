"""outbox: no index of tenants

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 18:05:00

Only the delivery job reads the outbox, by status and time. The tenant index was
written for every notice, 20,000 in one run of the bench's review, and read only by
a tenant's export: about a sixth of the time the review spends queuing notices
(bench B2, docs/performance.md).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_tenant_id')


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_tenant_id', ['tenant_id'], unique=False)
