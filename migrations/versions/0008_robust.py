"""hardening: two-factor secrets encrypted at rest, TRUNCATE of the audit log blocked

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import context, op
import sqlalchemy as sa

from selfhelp import crypto


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


def _cipher():
    cipher = context.config.attributes.get("cipher")
    if cipher is None:
        raise RuntimeError("run migrations through selfhelp (selfhelp.migrate): the data key is needed")
    return cipher


def _rewrite_secrets(change) -> None:
    conn = op.get_bind()
    for user_id, secret in conn.execute(sa.select(users.c.id, users.c.totp_secret)
                                        .where(users.c.totp_secret.is_not(None))).all():
        conn.execute(users.update().where(users.c.id == user_id).values(totp_secret=change(secret)))


def _widen_secret_column(old: int, new: int) -> None:
    """SQLite changes a column's type by copying the table and dropping the old one, which
    other tables' foreign keys refer to: foreign keys are off while it does (nothing else
    changes, so none can break)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute("PRAGMA foreign_keys = OFF")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=old),
                              type_=sa.String(length=new), existing_nullable=True)
    if sqlite:
        op.execute("PRAGMA foreign_keys = ON")


def upgrade() -> None:
    # A Fernet token of a 32-character secret is 140 characters.
    _widen_secret_column(64, 255)
    cipher = _cipher()
    _rewrite_secrets(lambda secret: secret if secret.startswith(crypto.TOKEN_PREFIX)
                     else crypto.encrypt(cipher, secret))
    if op.get_bind().dialect.name == 'postgresql':
        # The append-only function of 0007 refuses TRUNCATE too (it names TG_OP). Tests empty
        # tables with session_replication_role = replica, which only a superuser may set.
        op.execute("""
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
              FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    cipher = _cipher()
    _rewrite_secrets(lambda secret: crypto.decrypt(cipher, secret)
                     if secret.startswith(crypto.TOKEN_PREFIX) else secret)
    _widen_secret_column(255, 64)
