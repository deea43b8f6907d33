"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.db import Base
from selfhelp.migrate import upgrade


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_match_the_models_on_sqlite(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 'm.db'}").as_dict())
    upgrade(app)
    assert _diff(app.extensions["db"].engine) == []


def test_migrations_match_the_models_on_postgresql(postgres_engine):
    # postgres_engine built its schema with the real migrations
    assert _diff(postgres_engine) == []
