"""milestones and events: no tenant foreign key; breached milestones indexed alone

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 15:40:00

A ticket's milestones and events belong to it (their ticket key cascades) and the
ticket's own key reaches the tenant, so their tenant keys only cost a lookup and a
row lock for every row written: 13% of the server's time taking in an import (bench
B6, docs/performance.md). Milestones are written unbreached, so the report's index on
breach times needs only the breached ones.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BREACHED = sa.text('breached_at IS NOT NULL')


def upgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_constraint('fk_milestones_tenant_id_tenants', type_='foreignkey')
        batch_op.drop_index('ix_milestones_tenant_id_breached_at')
        batch_op.create_index(
            'ix_milestones_tenant_id_breached_at',
            ['tenant_id', 'breached_at'],
            unique=False,
            postgresql_where=BREACHED,
            sqlite_where=BREACHED,
        )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_events_tenant_id_tenants', type_='foreignkey')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_events_tenant_id_tenants', 'tenants', ['tenant_id'], ['id'], ondelete='CASCADE'
        )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_tenant_id_breached_at')
        batch_op.create_index(
            'ix_milestones_tenant_id_breached_at', ['tenant_id', 'breached_at'], unique=False
        )
        batch_op.create_foreign_key(
            'fk_milestones_tenant_id_tenants', 'tenants', ['tenant_id'], ['id'], ondelete='CASCADE'
        )
