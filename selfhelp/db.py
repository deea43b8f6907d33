"""Engine, session and declarative Base.

Each app has one engine; each request (or app context) gets one session, exposed as `db`.

The request owns the transaction: `finish_request` commits once after a successful response
(status below 400) and rolls back otherwise; views and services never commit. Services flush.
A view that must keep its writes although it answers with an error status (a failed login counted
for throttling) calls `keep_writes()`. Jobs and CLI commands own their unit of work: they wrap
each claimed item (or the whole command) in `unit_of_work()`. Anything not committed is rolled
back at teardown.
"""
from __future__ import annotations

from datetime import datetime, timezone
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Callable, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def vocabulary(states: type[StrEnum], *, length: int, name: str) -> Enum:
    """The column type of a state (or kind, role ...) drawn from a fixed vocabulary: stored as the
    enum's plain string values in a VARCHAR of `length`, guarded by a CHECK constraint
    ck_<table>_<name> on every backend (so a typo cannot store a state no rule knows), and read
    back as enum members. Strings equal to a member's value are accepted as well (StrEnum)."""
    return Enum(states, native_enum=False, create_constraint=True, length=length, name=name,
                values_callable=lambda members: [m.value for m in members])


class UTCDateTime(TypeDecorator):
    """An instant, always UTC-aware in Python; stored as UTC on every backend.

    SQLite has no time zones, so values go in as naive UTC and come back tagged UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an instant (UTC) is expected")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    app.extensions["db"] = Database(make_engine(app.config["DATABASE_URL"]))
    app.after_request(finish_request)

    @app.teardown_appcontext
    def _close_session(exc):  # noqa: ANN001
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def get_database() -> Database:
    return current_app.extensions["db"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = get_database().sessionmaker()
    return g.db_session


#: The current request's (or app context's) session.
db: Session = LocalProxy(get_session)  # type: ignore[assignment]


def keep_writes() -> None:
    """Commit this request's writes even when it answers with an error status."""
    g.db_keep_writes = True


def writes_kept() -> bool:
    """Whether this request asked to keep its writes (for the error pages, which start clean
    otherwise)."""
    return bool(g.get("db_keep_writes"))


def finish_request(response):  # noqa: ANN001, ANN201 - a Flask after_request hook
    """The one commit of a request: on success (or when the view asked to keep its writes), else
    roll back. Runs before a streamed body is sent, so audit events a view records before it
    returns a stream are kept."""
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code < 400 or g.pop("db_keep_writes", False):
        session.commit()
    else:
        session.rollback()
    return response


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """One transaction for a job's item or a CLI command: commit at the end, roll back on error."""
    session = session if session is not None else get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


T = TypeVar("T")


def redo_on_conflict(work: Callable[[], T]) -> T:
    """Run `work` and commit. When a concurrent request (a double click) inserted the same row
    first, the unique constraint refuses ours: roll back to before `work` and run it once more —
    it now finds that row and uses it, so the second request sees the first one's result and
    nothing is lost. A savepoint keeps the rest of the request's transaction; the request commits."""
    try:
        with db.begin_nested():
            return work()
    except IntegrityError:
        pass
    result = work()
    db.flush()
    return result
