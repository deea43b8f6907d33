"""Upgrading a database that already holds data works (not only an empty one)."""
import re
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Float, Integer, LargeBinary,
                        Enum, MetaData, Numeric, String, Text, Time, inspect, insert, text)

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.db import Base
import selfhelp.models  # noqa: F401 - every model on Base.metadata
from selfhelp.migrate import upgrade
from tests.conftest import PG_URL
from tests.operations.helpers import scratch_postgresql_database

#: The head of the previous release: what a municipality's database is at before this upgrade.
PREVIOUS_RELEASE = "0013"
#: `col IN ('a', 'b')` as written (SQLite) and `col::text = ANY (ARRAY['a'::...` (PostgreSQL).
_ALLOWED = (re.compile(r"\b(\w+)\s+IN\s*\(\s*'([^']*)'", re.IGNORECASE),
            re.compile(r"\(?(\w+)\)?::text = ANY \(+ARRAY\['([^']*)'"))


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


def _allowed_values(engine, table: str) -> dict[str, str]:
    """column -> a value its CHECK constraints allow (from `col IN ('a', 'b')`)."""
    found = {}
    for check in inspect(engine).get_check_constraints(table):
        for pattern in _ALLOWED:
            for column, value in pattern.findall(check["sqltext"]):
                found.setdefault(column, value)
    return found


def _vocabulary_value(column) -> str | None:
    """A value the CURRENT models allow, for a column that a later migration constrains (a state
    stored before its CHECK existed is one the code wrote, so it is in the vocabulary)."""
    table = Base.metadata.tables.get(column.table.name)
    current = table.c.get(column.name) if table is not None else None
    if current is not None and isinstance(current.type, Enum) and current.type.enums:
        return current.type.enums[0]
    return None


def _value(column, allowed: dict[str, str], dialect: str):
    if column.name in allowed:
        return allowed[column.name]
    if (word := _vocabulary_value(column)) is not None:
        return word
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, (Integer, BigInteger, Numeric, Float)):
        return 1
    if isinstance(kind, DateTime):
        moment = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
        return moment if dialect == "postgresql" else moment.replace(tzinfo=None)
    if isinstance(kind, Date):
        return date(2026, 3, 2)
    if isinstance(kind, Time):
        return time(18, 0)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b"x"
    if isinstance(kind, (String, Text)):
        length = getattr(kind, "length", None) or 20
        return "x" * min(length, 4)
    raise AssertionError(f"{column.table.name}.{column.name}: add a value for {kind!r}")


def _fill_every_table(engine) -> dict[str, int]:
    """One row in every table of the schema as it is, whatever the revision: foreign keys point at
    the row made for the table they name, enumerated columns take an allowed value."""
    metadata = MetaData()
    metadata.reflect(engine)
    dialect = engine.dialect.name
    made: dict[str, dict] = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            allowed = _allowed_values(engine, table.name)
            row = {c.name: _value(c, allowed, dialect) for c in table.columns}
            for fk in table.foreign_keys:
                target = made[fk.column.table.name]
                row[fk.parent.name] = target[fk.column.name]
            conn.execute(insert(table), row)
            made[table.name] = row
    return _counts(engine)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in inspect(engine).get_table_names() if name != "alembic_version"}


def _upgrade_with_data_in_every_table(url: str) -> None:
    app = create_app(SettingsForTests(database_url=url).as_dict())
    engine = app.extensions["db"].engine
    try:
        upgrade(app, PREVIOUS_RELEASE)
        before = _fill_every_table(engine)
        assert before and all(count == 1 for count in before.values()), before
        upgrade(app)
        after = _counts(engine)
        assert {name: after[name] for name in before} == before  # nothing lost
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() != PREVIOUS_RELEASE
    finally:
        engine.dispose()


def test_a_database_of_the_previous_release_with_data_in_every_table_upgrades_on_sqlite(tmp_path):
    _upgrade_with_data_in_every_table(f"sqlite:///{tmp_path / 'previous.db'}")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")
def test_a_database_of_the_previous_release_with_data_in_every_table_upgrades_on_postgresql():
    with scratch_postgresql_database(PG_URL, "upgrade") as url:
        _upgrade_with_data_in_every_table(url)
