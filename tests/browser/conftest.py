"""End-to-end fixtures: a live selfhelp server and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.db import Base
from tests.conftest import IN_CI

CHROMIUM = os.environ.get("SELFHELP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The journeys run at phone width; SELFHELP_BROWSER_WIDTH=1280 runs them on a desktop screen.
VIEWPORT = DESKTOP if os.environ.get("SELFHELP_BROWSER_WIDTH") == "1280" else PHONE
# CI machines are small (2 cores) and run PostgreSQL beside the browser: allow slow pages.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if IN_CI:
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}: browser tests are mandatory in CI")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "nb-NO"}


class LiveServer:
    """Werkzeug in a thread on a port the OS picks at bind time, so parallel test workers (and
    other runs on the machine) never race for one; the app learns its address from the socket."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        app.config["BASE_URL"] = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path, mailbox):
    app = create_app(SettingsForTests(
        database_url=f"sqlite:///{tmp_path / 'live.db'}", mail_port=mailbox.port,
        extra={"TESTING": False}).as_dict())
    Base.metadata.create_all(app.extensions["db"].engine)
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    app.extensions["db"].engine.dispose()


@pytest.fixture
def live_db(live_server):
    """A database session on the live server's database, for arranging data."""
    with live_server.app.app_context():
        from selfhelp.db import db

        yield db


@pytest.fixture
def reports_data(live_db):
    """The reports' data set (tests/reports/dataset.py) in the live database: an admin, two guides
    and a KiD leader, with residents, programs, cohorts and answers."""
    from tests import factories
    from tests.reports import dataset

    personas = {
        "admin": factories.make_staff(roles=["admin"], email="admin@example.com", name="Ada Admin"),
        "guide": factories.make_staff(roles=["guide"], name="Gina Guide"),
        "other_guide": factories.make_staff(roles=["guide"], name="Gustav Guide",
                                            municipalities=[factories.OTHER_MUNICIPALITY]),
        "course_leader": factories.make_staff(roles=["course_leader"], name="Kurt Leader",
                                              qualifications=["kid_leader"]),
    }
    live_db.commit()
    return dataset.build(live_db, personas)
