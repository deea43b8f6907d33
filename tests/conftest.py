"""Fixtures every test uses: app + fresh database (SQLite, and PostgreSQL when configured),
clients logged in as each persona, a real SMTP server and a frozen clock."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.engine import make_url

from flask.globals import _cv_app
from flask.testing import FlaskClient

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.db import Base, make_engine
from tests import factories
from tests.smtp import SMTPServer

#: The database the developer named; under pytest-xdist it is only where workers create their own.
BASE_PG_URL = os.environ.get("SELFHELP_TEST_DATABASE_URL")
#: "gw0", "gw1", ... in a pytest-xdist worker (`dev.py test` runs them); None in a serial run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_database_url(url: str | None, worker: str | None) -> str | None:
    """Each xdist worker empties and refills its own database: `<db>_gw0`, `<db>_gw1`, ..."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


#: The PostgreSQL database this process's tests use (and that subprocesses they start are given).
PG_URL = _worker_database_url(BASE_PG_URL, WORKER)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

PERSONAS = ("anonymous", "resident", "other_resident", "guide", "other_guide", "course_leader",
            "admin")


def pytest_configure(config):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI must set SELFHELP_TEST_DATABASE_URL: PostgreSQL tests may not be skipped")


# ---------------------------------------------------------------- databases

@pytest.fixture(scope="session")
def postgres_engine():
    """One PostgreSQL schema built by the real migrations; tables are emptied between tests.
    Under pytest-xdist each worker builds its own database (see PG_URL), so workers never meet."""
    if not PG_URL:
        pytest.skip("SELFHELP_TEST_DATABASE_URL is not set")
    if PG_URL != BASE_PG_URL:
        _create_database_if_missing(BASE_PG_URL, make_url(PG_URL).database)
    engine = make_engine(PG_URL)
    with engine.begin() as conn:  # fails loudly if the server is unreachable
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    app = create_app(SettingsForTests(database_url=PG_URL).as_dict())
    from selfhelp.migrate import upgrade

    upgrade(app)
    app.extensions["db"].engine.dispose()
    yield engine
    engine.dispose()


def _create_database_if_missing(server_url: str, name: str) -> None:
    """CREATE DATABASE `name` on the server of `server_url` (connecting to that database), once."""
    engine = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _truncate_all(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # The audit log refuses TRUNCATE (a trigger); a superuser may skip triggers for this.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    """Mail received by the real SMTP server during this test."""
    smtp_server.clear()
    if smtp_server.controller is None:
        smtp_server.start()
    return smtp_server


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own `g`, own database session), as in production,
    even though the test itself holds an app context open for its own database work."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def _build_app(backend: str, request, smtp_server, extra: dict | None = None):
    if backend == "postgresql":
        engine = request.getfixturevalue("postgres_engine")
        _truncate_all(engine)
        url = PG_URL
    else:
        url = "sqlite://"
    app = create_app(SettingsForTests(database_url=url, mail_port=smtp_server.port,
                                extra=extra or {}).as_dict())
    if backend == "sqlite":
        Base.metadata.create_all(app.extensions["db"].engine)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, request, smtp_server):
    smtp_server.clear()
    app = _build_app(backend, request, smtp_server)
    ctx = app.app_context()
    ctx.push()
    yield app
    ctx.pop()
    app.extensions["db"].engine.dispose()


@pytest.fixture
def db(app):
    from selfhelp.db import db as session

    return session


@pytest.fixture
def client(app):
    return app.test_client()


# ---------------------------------------------------------------- clock

@pytest.fixture
def clock():
    """Frozen at Monday 2 March 2026 09:00 UTC; move with clock.move_to(...) / clock.shift(...)."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), tick=False) as traveller:
        yield traveller


# ---------------------------------------------------------------- personas

@pytest.fixture
def personas(db):
    people = {
        "resident": factories.make_resident(name="Rita Resident"),
        "other_resident": factories.make_resident(name="Otto Other"),
        "guide": factories.make_staff(roles=["guide"], name="Gina Guide"),
        "other_guide": factories.make_staff(roles=["guide"], name="Gustav Guide",
                                            municipalities=[factories.OTHER_MUNICIPALITY]),
        "course_leader": factories.make_staff(roles=["course_leader"], name="Kurt Leader",
                                              qualifications=["kid_leader", "du_leader"]),
        "admin": factories.make_staff(roles=["admin"], name="Ada Admin"),
    }
    db.commit()
    return people


def login(client, user) -> None:
    """Log the client in as `user` the way accounts.session.complete_login does after the password
    (and, for staff, the second factor). The real second step is tested in
    tests/accounts/test_two_factor.py; use `log_in_with_code` to go through it."""
    from datetime import datetime, timezone

    from selfhelp.accounts import devices
    from selfhelp.accounts.session import SECOND_FACTOR_KEY
    from selfhelp.db import db

    # The server-side session row the cookie names (accounts/devices.py), opened "now".
    token = devices.open_session(user, "test client", datetime.now(timezone.utc))
    db.commit()
    with client.session_transaction() as session:
        session[devices.SESSION_KEY] = token
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        if user.is_staff:
            session[SECOND_FACTOR_KEY] = user.get_id()


def totp_code(secret: str | None = None, at=None) -> str:
    """The code an authenticator app shows now (or at `at`) for `secret` (default: the factories')."""
    import pyotp

    totp = pyotp.TOTP(secret or factories.TOTP_SECRET)
    return totp.at(at) if at is not None else totp.now()


def log_in_with_code(client, email: str, password: str | None = None, secret: str | None = None):
    """Log in through the real forms: password, then (for staff) the code from the app."""
    response = post_form(client, "/login", {"email": email, "password": password or factories.PASSWORD})
    if "/login/two-factor" in response.headers.get("Location", ""):
        response = post_form(client, "/login/two-factor/", {"code": totp_code(secret)})
    return response


@pytest.fixture
def as_persona(app, personas):
    """as_persona('guide') -> a test client logged in as that persona (anonymous: not logged in)."""

    def make(name: str):
        c = app.test_client()
        if name != "anonymous":
            login(c, personas[name])
        return c

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, page: str | None = None, **kwargs):
    """POST like a browser: fetch the form page for a CSRF token, then submit."""
    token = csrf_token(client, page or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)
