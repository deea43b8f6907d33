"""courses: drafts of course applications, kept step by step until they are sent

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

import selfhelp.db


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'course_application_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('updated_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], ondelete='CASCADE',
                                name=op.f('fk_course_application_drafts_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['resident_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_course_application_drafts_resident_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_application_drafts')),
        sa.UniqueConstraint('resident_id', 'cohort_id',
                            name=op.f('uq_course_application_drafts_resident_id_cohort_id')),
    )
    with op.batch_alter_table('course_application_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_application_drafts_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_application_drafts_resident_id'), ['resident_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('course_application_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_application_drafts_resident_id'))
        batch_op.drop_index(batch_op.f('ix_course_application_drafts_cohort_id'))
    op.drop_table('course_application_drafts')
