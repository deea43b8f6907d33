"""operations: the scheduler heartbeat

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import selfhelp.db


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_heartbeats',
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('beat_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('passes', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('seconds_total', sa.Float(), nullable=False),
    sa.Column('last_seconds', sa.Float(), nullable=False),
    sa.Column('last_failure_at', selfhelp.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('worker', 'job', name=op.f('pk_scheduler_heartbeats'))
    )
    with op.batch_alter_table('scheduler_heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_heartbeats_beat_at'), ['beat_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scheduler_heartbeats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_heartbeats_beat_at'))
    op.drop_table('scheduler_heartbeats')
