"""Alembic environment: the engine comes from the selfhelp app (see selfhelp/migrate.py)."""
from alembic import context

import selfhelp.models  # noqa: F401  (registers every table on Base.metadata)
from selfhelp.db import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: build the app to find the database
    from selfhelp import create_app

    app = create_app()
    engine = app.extensions["db"].engine
    config.attributes["cipher"] = app.extensions["cipher"]

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
