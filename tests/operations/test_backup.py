"""A backup of a populated database restores into a new one, and the app finds everything in it:
people (with their encrypted two-factor secrets), answers, audit events and the outbox."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from selfhelp import create_app
from selfhelp.accounts.models import User
from selfhelp.audit import services as audit
from selfhelp.audit.models import AuditEvent
from selfhelp.config import SettingsForTests
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.demo import load_demo
from selfhelp.migrate import upgrade
from selfhelp.notifications.models import Notification
from selfhelp.operations.backup import BackupError, backup, restore
from selfhelp.programs import services as programs
from selfhelp.programs.models import WorksheetAnswer
from tests import factories
from tests.conftest import PG_URL, _truncate_all
from tests.operations.helpers import beat, scratch_postgresql_database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _app(url: str):
    return create_app(SettingsForTests(database_url=url).as_dict())


def _populate() -> None:
    """The demo municipality, plus an answer, an audit event, outbox rows and a heartbeat."""
    load_demo(NOW)
    resident = factories.make_resident(email="rita@example.com", name="Rita Resident")
    guide = factories.make_staff(roles=["guide"], name="Gina Guide")
    program = get_catalogue().programs["depression"]
    enrolment = programs.start_program(resident, program, NOW)
    module = program.modules[0]
    programs.save_worksheet(enrolment, program, module, module.text("nb").exercise("goals"),
                            MultiDict({"f-general_goal": "Gå en tur hver dag, også når det regner"}),
                            NOW)
    audit.record(guide, "guide", [resident.id], "enrolment", "view", NOW, enrolment.id)
    for n, state in enumerate(("pending", "sent", "failed")):
        db.add(Notification(recipient_id=resident.id, kind="new_message", occurrence=f"b:{n}",
                            channel="email", created_at=NOW, due_at=NOW, state=state,
                            context={"link": "/messages"}))
    db.commit()
    beat(datetime.now(timezone.utc))


def _contents() -> dict:
    """What the app reads back, person by person and row by row."""
    db.expire_all()
    return {
        "people": [(u.email, u.name, u.totp_secret, sorted(r.role for r in u.roles))
                   for u in db.scalars(select(User).order_by(User.email))],
        "answers": [(a.module_slug, a.exercise_key, a.data)
                    for a in db.scalars(select(WorksheetAnswer).order_by(WorksheetAnswer.id))],
        "audit": [(e.actor_id, e.role, e.resident_id, e.what, e.action, e.record_id, e.at)
                  for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))],
        "outbox": [(n.recipient_id, n.kind, n.occurrence, n.state, n.context)
                   for n in db.scalars(select(Notification).order_by(Notification.id))],
    }


def _round_trip(source_app, target_app, tmp_path) -> None:
    with source_app.app_context():
        _populate()
        before = _contents()
        assert all(before.values()) and len(before["people"]) >= 9
        path = tmp_path / "selfhelp.backup"
        backup(source_app.extensions["db"].engine, source_app.config["DATABASE_URL"], path)
    assert path.stat().st_size > 0
    with target_app.app_context():
        restore(target_app.extensions["db"].engine, target_app.config["DATABASE_URL"], path)
        after = _contents()
    assert after == before
    # The restored database is at the migration head and the app serves from it.
    response = target_app.test_client().get("/readyz")
    assert response.json["migrations"] is True and response.json["database"] is True


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    """An empty SQLite database at the migration head, made once (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    app = _app(f"sqlite:///{path}")
    upgrade(app)
    app.extensions["db"].engine.dispose()
    return path


@pytest.fixture
def live(migrated_file, tmp_path):
    """A fresh migrated SQLite app (a copy of the template)."""
    shutil.copy(migrated_file, tmp_path / "live.db")
    return _app(f"sqlite:///{tmp_path / 'live.db'}")


def test_sqlite_backup_restores_whole_into_a_new_database(live, tmp_path):
    source = live
    target = _app(f"sqlite:///{tmp_path / 'restored.db'}")
    _round_trip(source, target, tmp_path)


def test_the_cli_backs_up_and_restores_sqlite(live, tmp_path):
    source = live
    with source.app_context():
        _populate()
        before = _contents()
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "nightly.db")])
    assert result.exit_code == 0 and "Backup written" in result.output
    target = _app(f"sqlite:///{tmp_path / 'restored.db'}")
    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "nightly.db")])
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert _contents() == before


def test_restore_refuses_a_database_that_has_data_unless_told_to_replace_it(live, tmp_path):
    app = live
    with app.app_context():
        _populate()
        before = _contents()
        engine, url = app.extensions["db"].engine, app.config["DATABASE_URL"]
        backup(engine, url, tmp_path / "b.db")
        with pytest.raises(BackupError, match="already has .* tables"):
            restore(engine, url, tmp_path / "b.db")
        db.execute(text("DELETE FROM notifications"))
        db.commit()
        db.close()
        restore(engine, url, tmp_path / "b.db", replace=True)
        assert _contents() == before
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "b.db")])
    assert result.exit_code == 1 and "--replace" in result.output


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    app = _app("sqlite://")
    with pytest.raises(BackupError, match="in-memory"):
        backup(app.extensions["db"].engine, "sqlite://", tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.fixture
def restore_database(postgres_engine):
    """A separate, empty PostgreSQL database to restore into, dropped afterwards."""
    with scratch_postgresql_database(PG_URL, "restore") as url:
        yield url


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")
def test_postgresql_backup_restores_whole_into_a_new_database(postgres_engine, restore_database,
                                                               tmp_path):
    _truncate_all(postgres_engine)
    source, target = _app(PG_URL), _app(restore_database)
    try:
        _round_trip(source, target, tmp_path)
        # The append-only trigger of the audit log came back too.
        with target.extensions["db"].engine.begin() as conn:
            with pytest.raises(Exception, match="append-only"):
                with conn.begin_nested():
                    conn.execute(text("DELETE FROM audit_events"))
    finally:
        source.extensions["db"].engine.dispose()
        target.extensions["db"].engine.dispose()
        _truncate_all(postgres_engine)
