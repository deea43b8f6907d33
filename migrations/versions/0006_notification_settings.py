"""notification settings: channel, muted topics, daily digest, quiet hours; centre visibility

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import selfhelp.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('muted', sa.JSON(), nullable=False),
        sa.Column('daily_digest', sa.Boolean(), nullable=False),
        sa.Column('quiet_start_hour', sa.Integer(), nullable=False),
        sa.Column('quiet_end_hour', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_at', selfhelp.db.UTCDateTime(timezone=True), nullable=True))
    # Notifications delivered before this version show in the centre from when they were sent.
    op.execute("UPDATE notifications SET shown_at = sent_at WHERE state = 'sent'")


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('shown_at')
    op.drop_table('notification_settings')
