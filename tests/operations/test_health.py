"""/healthz says the process is alive; /readyz says whether it can serve: the database answers,
its migrations are current and a scheduler beat within two minutes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine

from selfhelp.operations.queries import HEARTBEAT_MAX_AGE, migration_heads
from tests.operations.helpers import beat, set_revision, stamp_head

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def migrated(app, db):
    stamp_head(app)
    head = next(iter(migration_heads()))
    yield app
    set_revision(app, head)  # PostgreSQL's schema is shared by the next tests


def _break_database(app) -> None:
    app.extensions["db"].engine.dispose()
    app.extensions["db"].sessionmaker.configure(bind=create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}))


def test_healthz_answers_even_when_the_database_is_gone(app, client):
    _break_database(app)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_is_ready_with_a_current_database_and_a_fresh_heartbeat(migrated, client, clock):
    beat(NOW - HEARTBEAT_MAX_AGE + timedelta(seconds=5))
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {"status": "ready", "database": True, "migrations": True,
                             "scheduler": True, "problems": []}


def test_readyz_is_unready_when_the_scheduler_heartbeat_is_older_than_two_minutes(
        migrated, client, clock):
    beat(NOW - HEARTBEAT_MAX_AGE - timedelta(seconds=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["scheduler"] is False and response.json["migrations"] is True
    assert "last scheduler heartbeat 121 s ago" in response.json["problems"]


def test_readyz_is_unready_when_no_scheduler_ever_ran(migrated, client, clock):
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["problems"] == ["no scheduler heartbeat"]


def test_a_second_scheduler_keeps_the_instance_ready_when_the_first_stops(migrated, client, clock):
    beat(NOW - timedelta(minutes=30), worker="host-a:100")
    beat(NOW - timedelta(seconds=20), worker="host-b:200")
    assert client.get("/readyz").status_code == 200


def test_readyz_is_unready_when_a_migration_is_missing(migrated, client, clock):
    beat(NOW)
    set_revision(migrated, "0013")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["migrations"] is False
    assert response.json["problems"][0].startswith("database at 0013, code at ")
    assert "selfhelp db-upgrade" in response.json["problems"][0]


def test_readyz_is_unready_when_the_database_was_never_migrated(app, db, client, clock):
    if app.extensions["db"].engine.dialect.name != "sqlite":
        pytest.skip("the shared PostgreSQL test schema is migrated")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["problems"][0].startswith("database at no revision")


def test_readyz_is_unready_when_the_database_is_unreachable(app, client):
    _break_database(app)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] is False
    assert response.json["problems"][0].startswith("database unreachable")


def test_readyz_and_healthz_need_no_login_and_set_no_cookie(migrated, client, clock):
    beat(NOW)
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
