"""states as enums: a CHECK constraint on every state, kind, status, channel, role and purpose column

The values are the ones the code has always written (selfhelp.<domain>.models defines them as
StrEnums), so existing rows satisfy the constraints and no data changes. The vocabularies are
written out here, not imported, so this migration keeps meaning what it meant when models change.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OWNER_LEVELS = ('guide', 'course_leader', 'team')
ROLES = ('resident', 'guide', 'course_leader', 'admin')
CHANNELS = ('email', 'sms', 'in_app')

#: table -> [(constraint name, column, allowed values)]; the constraint is ck_<table>_<name>.
CHECKS = {
    'user_roles': [('role', 'role', ROLES)],
    'account_tokens': [('purpose', 'purpose', ('verify_email', 'reset_password', 'invitation'))],
    'audit_events': [('role', 'role', ROLES),
                     ('action', 'action', ('view', 'create', 'change', 'export'))],
    'enrolments': [('state', 'state', ('active', 'paused', 'finished'))],
    'cohorts': [('state', 'state', ('draft', 'published', 'cancelled', 'finished'))],
    'course_sessions': [('kind', 'kind', ('weekly', 'followup')),
                        ('state', 'state', ('scheduled', 'cancelled'))],
    'course_applications': [('state', 'state', ('received', 'pretalk', 'waitlisted', 'admitted',
                                                'declined', 'withdrawn'))],
    'attendance': [('status', 'status', ('present', 'absent', 'notified'))],
    'checkins': [('state', 'state', ('open', 'submitted', 'closed'))],
    'messages': [('kind', 'kind', ('message', 'feedback'))],
    'notifications': [('channel', 'channel', CHANNELS),
                      ('state', 'state', ('pending', 'sending', 'sent', 'digest', 'failed',
                                          'cancelled'))],
    'notification_settings': [('channel', 'channel', CHANNELS)],
    'risk_flags': [('reason', 'reason', ('self_harm_item', 'reliable_deterioration', 'intake_severe',
                                         'intake_risk')),
                   ('state', 'state', ('open', 'acknowledged')),
                   ('first_owner_level', 'first_owner_level', OWNER_LEVELS)],
    'risk_flag_actions': [('actor_level', 'actor_level', OWNER_LEVELS)],
}


def _foreign_keys(on: bool) -> None:
    """SQLite adds a CHECK by copying the table and dropping the old one; other tables' foreign
    keys refer to it (some ON DELETE CASCADE), so foreign keys are off while it does (only
    constraints are added, no row changes, so none can break)."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade() -> None:
    _foreign_keys(False)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, values in checks:
                batch_op.create_check_constraint(
                    name, f"{column} IN ({', '.join(repr(v) for v in values)})")
    _foreign_keys(True)


def downgrade() -> None:
    _foreign_keys(False)
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _column, _values in reversed(checks):
                batch_op.drop_constraint(name, type_='check')
    _foreign_keys(True)
