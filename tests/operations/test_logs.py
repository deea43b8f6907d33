"""Structured logs: JSON lines, a request id on every line, no emails or names."""
from __future__ import annotations

import io
import json
import logging

import pytest

from selfhelp.operations.logs import JsonFormatter, RequestIdFilter
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def lines():
    """Everything the app logs during the test, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_logs_one_json_line_with_its_request_id(client, db, lines):
    response = client.get("/help")
    request_id = response.headers["X-Request-ID"]
    (line,) = [entry for entry in lines() if entry["logger"] == "selfhelp.requests"]
    assert line["request_id"] == request_id and len(request_id) == 16
    assert (line["endpoint"], line["method"], line["status"]) == ("pages.crisis", "GET", 200)
    assert line["level"] == "info" and line["duration_ms"] >= 0


def test_every_line_written_during_a_request_carries_its_id(app, client, db, lines):
    @app.get("/_test/log")
    def _log_something():
        logging.getLogger("selfhelp.test").warning("something happened to notification %s", 7)
        return "ok"

    request_id = client.get("/_test/log").headers["X-Request-ID"]
    entries = lines()
    assert len(entries) == 2 and {e["request_id"] for e in entries} == {request_id}


def test_an_untrusted_request_id_header_is_ignored(client, db, lines):
    response = client.get("/help", headers={"X-Request-ID": "chosen-by-anyone-123"})
    assert response.headers["X-Request-ID"] != "chosen-by-anyone-123"


def test_the_trusted_proxys_request_id_is_kept(app, db, lines):
    from selfhelp import create_app
    from selfhelp.config import SettingsForTests

    proxied = create_app(SettingsForTests(database_url="sqlite://",
                                          extra={"TRUSTED_PROXIES": 1}).as_dict())
    for given, kept in (("4f2a9c1e-proxy-id", True), ("bad id with spaces", False), ("x" * 65, False)):
        response = proxied.test_client().get("/healthz", headers={"X-Request-ID": given})
        assert (response.headers["X-Request-ID"] == given) is kept


def test_a_login_logs_neither_the_email_nor_the_name(client, db, lines):
    person = factories.make_resident(email="kari.nordmann@example.com", name="Kari Nordmann")
    db.commit()
    post_form(client, "/login", {"email": person.email, "password": "wrong password"},
              page="/login")
    post_form(client, "/login", {"email": person.email, "password": factories.PASSWORD},
              page="/login")
    text = "\n".join(json.dumps(entry) for entry in lines())
    assert "selfhelp.requests" in text
    assert "kari" not in text.lower() and "nordmann" not in text.lower()


def test_an_email_address_in_a_message_is_masked():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "could not reach %s",
                               ("ola.nordmann@example.no",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "could not reach [email]" and line["request_id"] is None


def test_lines_outside_a_request_say_so(lines):
    logging.getLogger("selfhelp.scheduler").info("scheduler: started")
    (line,) = lines()
    assert line["request_id"] is None and line["message"] == "scheduler: started"
