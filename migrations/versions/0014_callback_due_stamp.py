"""tickets: the time the callback reminder falls due, stamped on resolving

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 17:10:00

The review found the callback reminders due by reading the latest resolution of every
resolved ticket: half a second per run at 35,000 resolved tickets, and growing with
them (bench B2). Resolving now stamps the ticket with the time its reminder falls due,
and a partial index holds the stamped tickets only.

The stamps of tickets already resolved and not yet reminded are computed here as the
application computes them: the latest resolution plus the policy version's
``callback.after`` in wall time (a day is 24 hours).
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

STAMPED = sa.text('callback_due_at IS NOT NULL')
WALL_SECONDS = {'minutes': 60, 'hours': 3600, 'business_hours': 3600}
WALL_DAY = 86400

tickets = sa.table(
    'tickets',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('policy_version_id', sa.Integer),
    sa.column('callback_due_at', sa.DateTime(timezone=True)),
)
events = sa.table(
    'events',
    sa.column('ticket_id', sa.Integer),
    sa.column('type', sa.String),
    sa.column('at', sa.DateTime(timezone=True)),
)
versions = sa.table('policy_versions', sa.column('id', sa.Integer), sa.column('document', sa.JSON))


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'ix_tickets_callback_due_at',
            ['callback_due_at'],
            unique=False,
            postgresql_where=STAMPED,
            sqlite_where=STAMPED,
        )
    _stamp_resolved()


def _latest(bind, kind, delays):
    rows = bind.execute(
        sa.select(tickets.c.id, tickets.c.policy_version_id, sa.func.max(events.c.at))
        .join(events, events.c.ticket_id == tickets.c.id)
        .where(
            tickets.c.status == 'resolved',
            tickets.c.policy_version_id.in_(list(delays)),
            events.c.type == kind,
        )
        .group_by(tickets.c.id, tickets.c.policy_version_id)
    )
    return {ticket_id: (version_id, at) for ticket_id, version_id, at in rows}


def _stamp_resolved():
    bind = op.get_bind()
    delays = {}
    for version_id, document in bind.execute(sa.select(versions.c.id, versions.c.document)):
        after = ((document or {}).get('callback') or {}).get('after')
        if after:
            seconds = after['amount'] * WALL_SECONDS.get(after['unit'], WALL_DAY)
            delays[version_id] = timedelta(seconds=seconds)
    if not delays:
        return
    resolved = _latest(bind, 'resolve', delays)
    reminded = _latest(bind, 'callback_due', delays)
    stamps = [
        {'ticket': ticket_id, 'due': at + delays[version_id]}
        for ticket_id, (version_id, at) in resolved.items()
        if ticket_id not in reminded or reminded[ticket_id][1] < at
    ]
    if stamps:
        bind.execute(
            tickets.update()
            .where(tickets.c.id == sa.bindparam('ticket'))
            .values(callback_due_at=sa.bindparam('due')),
            stamps,
        )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_callback_due_at')
        batch_op.drop_column('callback_due_at')
