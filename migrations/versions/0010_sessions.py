"""server-side login sessions, text kept for its author, message nonces

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import selfhelp.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

END_REASONS = ("logout", "idle", "elsewhere", "password", "second_factor", "closed")
KEPT_FORMS = ("worksheet", "checkin", "message", "guide_message", "feedback")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.Column('ended_at', selfhelp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint("ended_reason IS NULL OR " + _in("ended_reason", END_REASONS),
                       name=op.f('ck_user_sessions_ended_reason')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('kept_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=250), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in("form", KEPT_FORMS), name=op.f('ck_kept_texts_form')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_kept_texts_author_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_texts')),
    sa.UniqueConstraint('key', name=op.f('uq_kept_texts_key'))
    )
    with op.batch_alter_table('kept_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_texts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_texts_created_at'), ['created_at'], unique=False)

    # Worksheet text waiting for a login had no author: it cannot be given back safely.
    op.drop_table('pending_drafts')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_nonce', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_messages_author_id_form_nonce'),
                                          ['author_id', 'form_nonce'])


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_messages_author_id_form_nonce'), type_='unique')
        batch_op.drop_column('form_nonce')

    op.create_table('pending_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('program_slug', sa.String(length=60), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('exercise_key', sa.String(length=80), nullable=False),
    sa.Column('form', sa.JSON(), nullable=False),
    sa.Column('created_at', selfhelp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_drafts')),
    sa.UniqueConstraint('key', name=op.f('uq_pending_drafts_key'))
    )
    with op.batch_alter_table('kept_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_texts_created_at'))
        batch_op.drop_index(batch_op.f('ix_kept_texts_author_id'))
    op.drop_table('kept_texts')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
