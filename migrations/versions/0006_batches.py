"""batch complaints: ticket_batches and tickets.batch_id

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_ticket_batches_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_batches')),
    sa.UniqueConstraint('tenant_id', 'key', 'first_at', name=op.f('uq_ticket_batches_tenant_id_key_first_at'))
    )
    with op.batch_alter_table('ticket_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_batches_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tickets_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_batch_id_ticket_batches'), 'ticket_batches', ['batch_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_batch_id_ticket_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tickets_batch_id'))
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('ticket_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_batches_tenant_id'))

    op.drop_table('ticket_batches')
