"""PostgreSQL: the audit log cannot be emptied, and the app can run as a role that may only add
to it (docs/postgresql-app-role.sql, README "Hardening")."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.db import make_engine
from tests.conftest import PG_URL

GRANTS = Path(__file__).resolve().parents[2] / "docs" / "postgresql-app-role.sql"

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


def _add_event(conn) -> None:
    conn.execute(text("INSERT INTO audit_events (actor_id, role, resident_id, what, action, at) "
                      "SELECT id, 'admin', NULL, 'audit_log', 'view', now() FROM users LIMIT 1"))


@pytest.fixture
def pg(postgres_engine):
    from tests.conftest import _truncate_all

    _truncate_all(postgres_engine)
    yield postgres_engine
    _truncate_all(postgres_engine)


def test_truncate_of_the_audit_log_is_refused_even_for_its_owner(pg, personas_pg):
    with pg.begin() as conn:
        _add_event(conn)
    for statement in ("TRUNCATE audit_events", "TRUNCATE users CASCADE"):
        with pytest.raises(DBAPIError, match="append-only"):
            with pg.begin() as conn:
                conn.execute(text(statement))
    with pg.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1


@pytest.fixture
def personas_pg(pg):
    with pg.begin() as conn:
        conn.execute(text("INSERT INTO users (email, name, locale, created_at, active, security_stamp) "
                          "VALUES ('ada@example.com', 'Ada', 'nb', now(), true, 'x')"))


@pytest.fixture
def app_role(pg):
    """A login role set up exactly as docs/postgresql-app-role.sql says (roles are per server,
    so its name carries this test database's name)."""
    url = make_url(PG_URL)
    role = f"{url.database}_app_role"
    _drop_role(pg, role)  # left over from an interrupted run
    with pg.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{url.database}" TO "{role}"'))
        for statement in _statements(GRANTS.read_text()):
            conn.execute(text(statement.replace("selfhelp_app", f'"{role}"')))
    yield url.set(username=role, password=None).render_as_string(hide_password=False)
    _drop_role(pg, role)


def _drop_role(pg, role: str) -> None:
    with pg.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar():
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def test_the_app_role_adds_to_the_audit_log_but_cannot_change_or_empty_it(app_role, personas_pg):
    engine = make_engine(app_role)
    try:
        with engine.begin() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one().endswith("_app_role")
            _add_event(conn)
        for statement in ("UPDATE audit_events SET action = 'edit'", "DELETE FROM audit_events",
                          "TRUNCATE audit_events", "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                          "DROP TABLE audit_events"):
            with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                with engine.begin() as conn:
                    conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1
    finally:
        engine.dispose()


def test_the_app_works_as_the_app_role(app_role, pg, clock):
    """Normal writes through the app: a resident signs up, an admin's audit search is logged."""
    from tests import factories
    from tests.conftest import login

    app = create_app(SettingsForTests(database_url=app_role).as_dict())
    try:
        with app.app_context():
            from selfhelp.audit.models import AuditEvent
            from selfhelp.db import db

            admin = factories.make_staff(roles=["admin"], name="Ada Admin")
            resident = factories.make_resident(name="Rita Resident")
            db.commit()
            client = app.test_client()
            login(client, admin)
            assert client.get("/admin/audit").status_code == 200
            assert client.get(f"/admin/audit?resident={resident.id}").status_code == 200
            db.expire_all()
            assert db.query(AuditEvent).count() >= 2
    finally:
        app.extensions["db"].engine.dispose()
