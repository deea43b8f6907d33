"""PostgreSQL: the check refuses an app role that owns the audit table, and passes the role
docs/postgresql-app-role.sql sets up."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.operations.checks import database_problems
from tests.conftest import PG_URL
from tests.hardening.test_audit_role import app_role, pg  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


def _problems(url: str) -> list[str]:
    app = create_app(SettingsForTests(database_url=url).as_dict())
    try:
        with app.app_context():
            return database_problems(app.extensions["db"].engine)
    finally:
        app.extensions["db"].engine.dispose()


def test_the_app_role_of_the_docs_passes(app_role):  # noqa: F811
    assert _problems(app_role) == []


def test_an_app_role_that_owns_the_audit_table_is_refused(pg, app_role):  # noqa: F811
    role = app_role.split("://", 1)[1].split("@", 1)[0]
    with pg.begin() as conn:
        conn.execute(text(f'ALTER TABLE audit_events OWNER TO "{role}"'))
    try:
        problems = _problems(app_role)
    finally:
        with pg.begin() as conn:
            conn.execute(text("ALTER TABLE audit_events OWNER TO CURRENT_USER"))
    assert len(problems) == 1 and "owns the audit table" in problems[0]
