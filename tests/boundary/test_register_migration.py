"""Self-declared qualifications move into the leader register when the database is upgraded."""
from datetime import datetime, timezone

from sqlalchemy import text

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.migrate import upgrade


def test_upgrade_moves_declared_qualifications_into_the_register_as_unchecked_entries(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 'q.db'}").as_dict())
    upgrade(app, "0007")
    engine = app.extensions["db"].engine
    now = datetime(2026, 3, 2, 9, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, locale, created_at, active, security_stamp) "
                          "VALUES (1, 'l@example.com', 'L', 'nb', :now, 1, 'x')"), {"now": now})
        conn.execute(text("INSERT INTO staff_qualifications (user_id, qualification) VALUES "
                          "(1, 'kid_leader'), (1, 'du_leader')"))
    upgrade(app)
    with app.app_context():
        from selfhelp.accounts.models import User
        from selfhelp.db import db

        leader = db.get(User, 1)
        assert leader.qualification_names == {"kid_leader", "du_leader"}
        entries = leader.leader_registrations
        assert all(e.recorded_by_id is None and e.course_date is None for e in entries)
        assert all(e.recorded_at is not None for e in entries)
