"""municipality boundary: the leader register replaces self-declared qualifications; shared
feedback snippets belong to a municipality

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import selfhelp.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('leader_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=20), nullable=False),
    sa.Column('course_date', sa.Date(), nullable=True),
    sa.Column('certificate_number', sa.String(length=60), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', selfhelp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("qualification IN ('kid_leader', 'kib_leader', 'du_leader')", name=op.f('ck_leader_register_qualification_known')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_leader_register_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_leader_register_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_leader_register_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_register'))
    )
    with op.batch_alter_table('leader_register', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_register_user_id'), ['user_id'], unique=False)

    # Qualifications staff declared themselves move into the register as entries without a
    # course date, certificate number or recording admin: they still count (running cohorts keep
    # their leaders), and the register page shows them as moved, for an admin to check.
    op.execute("""
        INSERT INTO leader_register (user_id, qualification, recorded_at)
        SELECT user_id, qualification, CURRENT_TIMESTAMP FROM staff_qualifications
        WHERE qualification IN ('kid_leader', 'kib_leader', 'du_leader')
    """)
    with op.batch_alter_table('staff_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_qualifications_user_id'))
    op.drop_table('staff_qualifications')

    with op.batch_alter_table('snippets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_code', sa.String(length=4), nullable=True))
        batch_op.create_index(batch_op.f('ix_snippets_municipality_code'), ['municipality_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('snippets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_snippets_municipality_code'))
        batch_op.drop_column('municipality_code')

    op.create_table('staff_qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_qualifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_qualifications')),
    sa.UniqueConstraint('user_id', 'qualification', name=op.f('uq_staff_qualifications_user_id_qualification'))
    )
    with op.batch_alter_table('staff_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_qualifications_user_id'), ['user_id'], unique=False)
    op.execute("""
        INSERT INTO staff_qualifications (user_id, qualification)
        SELECT DISTINCT user_id, qualification FROM leader_register WHERE revoked_at IS NULL
    """)
    with op.batch_alter_table('leader_register', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_register_user_id'))
    op.drop_table('leader_register')
