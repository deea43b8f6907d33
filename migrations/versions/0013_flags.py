"""risk flags always have an owner: owner chain, outcomes, assessment tasks

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import selfhelp.db


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_flag_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('actor_level', sa.String(length=15), nullable=False),
    sa.Column('outcome', sa.String(length=15), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('called', 'met', 'referred', 'no_contact')",
                       name=op.f('ck_risk_flag_actions_outcome')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_risk_flag_actions_actor_id_users')),
    sa.ForeignKeyConstraint(['flag_id'], ['risk_flags.id'], name=op.f('fk_risk_flag_actions_flag_id_risk_flags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_flag_actions'))
    )
    with op.batch_alter_table('risk_flag_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_flag_actions_flag_id'), ['flag_id'], unique=False)

    with op.batch_alter_table('risk_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='risk', nullable=False))
        batch_op.add_column(sa.Column('owner_level', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('owner_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('owner_cohort_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('municipality_code', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('owner_since', selfhelp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalations', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('first_owner_level', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=15), nullable=True))
        batch_op.create_index(batch_op.f('ix_risk_flags_owner_level'), ['owner_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_flags_municipality_code'), ['municipality_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_risk_flags_owner_user_id_users'), 'users', ['owner_user_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_risk_flags_owner_cohort_id_cohorts'), 'cohorts', ['owner_cohort_id'], ['id'])
        batch_op.create_check_constraint('kind', "kind IN ('risk', 'assessment')")
        batch_op.create_check_constraint(
            'owner_level', "owner_level IS NULL OR owner_level IN ('guide', 'course_leader', 'team')")
        batch_op.create_check_constraint(
            'outcome', "outcome IS NULL OR outcome IN ('called', 'met', 'referred', 'no_contact')")

    # Flags raised before the owner chain: the team of the resident's municipality can see them at
    # once; the owner itself is chosen (selfhelp.care.chain.ensure_owner) the first time they are
    # listed or planned.
    op.execute("UPDATE risk_flags SET municipality_code = (SELECT users.municipality_code FROM users "
               "WHERE users.id = risk_flags.resident_id)")


def downgrade() -> None:
    with op.batch_alter_table('risk_flags', schema=None) as batch_op:
        batch_op.drop_constraint('outcome', type_='check')
        batch_op.drop_constraint('owner_level', type_='check')
        batch_op.drop_constraint('kind', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_risk_flags_owner_cohort_id_cohorts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_risk_flags_owner_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_risk_flags_municipality_code'))
        batch_op.drop_index(batch_op.f('ix_risk_flags_owner_level'))
        for column in ('outcome', 'first_owner_level', 'escalations', 'owner_since', 'municipality_code',
                       'owner_cohort_id', 'owner_user_id', 'owner_level', 'kind'):
            batch_op.drop_column(column)

    with op.batch_alter_table('risk_flag_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_flag_actions_flag_id'))
    op.drop_table('risk_flag_actions')
