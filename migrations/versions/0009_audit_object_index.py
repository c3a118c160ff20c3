"""audit log: entries of one object over time

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 14:00:00

Every sign-in counts the recent failures of its account and of its client address
(portal/login_throttle.py), which are audit entries of one (object_type, object_id);
without this index each sign-in scanned the whole audit log.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_object_type_object_id_at'), ['object_type', 'object_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_object_type_object_id_at'))
