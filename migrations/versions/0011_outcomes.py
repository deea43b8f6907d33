"""course applications: a person may apply again after withdrawing (one open application each)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The unique (cohort_id, resident_id) constraint made a withdrawn applicant unable to apply again
(their old row was reused, with its old waiting-list ticket). Now every application is its own row,
and a partial unique index allows at most one *open* application per person and cohort.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OPEN = "state IN ('received', 'pretalk', 'waitlisted', 'admitted')"


def upgrade() -> None:
    with op.batch_alter_table('course_applications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_course_applications_cohort_id_resident_id', type_='unique')
    op.create_index('uq_course_applications_one_open', 'course_applications',
                    ['cohort_id', 'resident_id'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    # Keeps only the newest application per person and cohort, as the old schema allowed one.
    op.execute("DELETE FROM course_applications WHERE id NOT IN (SELECT MAX(id) FROM "
               "course_applications GROUP BY cohort_id, resident_id)")
    op.drop_index('uq_course_applications_one_open', table_name='course_applications')
    with op.batch_alter_table('course_applications', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_course_applications_cohort_id_resident_id',
                                          ['cohort_id', 'resident_id'])
