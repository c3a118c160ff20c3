"""attachments, more queue indexes, trigram text search on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TRGM_INDEX = 'ix_tickets_text_trgm'


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_attachments_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_attachments_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_attachments_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_ticket_id_created_at'), ['ticket_id', 'created_at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id_channel_next_due_at'), ['tenant_id', 'channel', 'next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id_department_id_next_due_at'), ['tenant_id', 'department_id', 'next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_tenant_id_escalation_level_next_due_at'), ['tenant_id', 'escalation_level', 'next_due_at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        _create_trigram_index()
    else:
        # No trigrams in SQLite: an empty partial index keeps the schemas alike.
        op.execute(f'CREATE INDEX {TRGM_INDEX} ON tickets (subject, description) WHERE 0')


def _create_trigram_index():
    # Needs a role allowed to create it (superuser, or pg_trgm trusted on PG 13+);
    # a DBA may create it beforehand instead, in any schema.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    # The operator class lives in whichever schema the extension was installed into,
    # which need not be on this connection's search path.
    schema = op.get_bind().scalar(sa.text(
        "SELECT n.nspname FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace"
        " WHERE c.opcname = 'gin_trgm_ops'"
    ))
    ops = f'"{schema}".gin_trgm_ops'
    op.execute(f'CREATE INDEX {TRGM_INDEX} ON tickets USING gin (subject {ops}, description {ops})')


def downgrade():
    # The extension stays: other objects of the database may use it.
    op.execute(f'DROP INDEX {TRGM_INDEX}')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id_escalation_level_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id_department_id_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_tenant_id_channel_next_due_at'))

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_ticket_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_attachments_tenant_id'))

    op.drop_table('attachments')
