"""courses: the reason a leader gave for cancelling one session; whether a decline's reason is shown

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('course_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_reason_shown', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def _foreign_keys(on: bool) -> None:
    """SQLite drops a column by copying the table and dropping the old one; attendance refers to
    course_sessions ON DELETE CASCADE, so with foreign keys on that drop would delete every
    attendance row. Foreign keys are off while it copies (no row changes)."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def downgrade() -> None:
    _foreign_keys(False)
    with op.batch_alter_table('course_applications', schema=None) as batch_op:
        batch_op.drop_column('decline_reason_shown')
    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
    _foreign_keys(True)
