"""Upgrading a database that already holds data works (not only an empty one)."""
from datetime import date, datetime, timezone

from sqlalchemy import text

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.migrate import upgrade


def test_migrations_upgrade_a_database_with_enrolments(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 'u.db'}").as_dict())
    upgrade(app, "0003")
    engine = app.extensions["db"].engine
    now = datetime(2026, 3, 2, 9, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, locale, created_at, active, security_stamp) "
                          "VALUES (1, 'a@example.com', 'A', 'nb', :now, 1, 'x')"), {"now": now})
        conn.execute(text("INSERT INTO enrolments (resident_id, program_slug, started_at, start_date, state, "
                          "unlocked_through) VALUES (1, 'depression', :now, :day, 'active', 1)"),
                     {"now": now, "day": date(2026, 3, 2)})
    upgrade(app)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT extra_weeks FROM enrolments")).scalar_one() == 0
