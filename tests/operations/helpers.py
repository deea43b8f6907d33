"""Shared by the operations tests: a database stamped at the migration head, heartbeats."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from selfhelp.db import db, make_engine
from selfhelp.migrate import alembic_config
from selfhelp.operations.services import record_pass


def stamp_head(app) -> None:
    """The test schema is built by create_all on SQLite (tests/test_migrations.py proves it equals
    the migrations' head); tell it so, as `db-upgrade` would have. PostgreSQL's test schema was
    built by the migrations themselves."""
    if app.extensions["db"].engine.dialect.name == "sqlite":
        command.stamp(alembic_config(app), "head")


def set_revision(app, revision: str) -> None:
    with app.extensions["db"].engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def beat(at: datetime, *, worker: str = "host-a:100", job: str = "send_due_notifications",
         seconds: float = 0.5, failed: bool = False) -> None:
    record_pass(db, worker=worker, job=job, now=at, seconds=seconds, failed=failed)
    db.commit()


@contextmanager
def scratch_postgresql_database(base_url: str, suffix: str) -> Iterator[str]:
    """A new empty PostgreSQL database next to the test database (its name + suffix), dropped
    afterwards; yields its URL."""
    url = make_url(base_url)
    name = f"{url.database}_{suffix}"
    admin = make_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
