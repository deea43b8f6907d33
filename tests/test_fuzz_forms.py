"""Random and malformed posts to every form route, as every persona.

Nothing may answer 500, and a persona without access to a route (tests/test_access_control.py's
ACCESS) must not change any data through it, whatever it sends.
"""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Session

from selfhelp.db import Base
from tests.conftest import PERSONAS, csrf_token
from tests.test_access_control import ACCESS, _rules, _sample_objects, _url_values

# Tables that legitimately change whoever posts: failed logins are counted, and worksheet text
# posted after the login expired is kept aside for its author (KeptText); session rows are touched.
CHANGES_ALLOWED_FOR_ANYONE = {"login_failures", "kept_texts", "user_sessions"}

NASTY = ["", " ", "\x00", "a\x00b", "\r\n", "<script>window.__xss=1</script>", "' OR 1=1 --",
         "💥" * 50, "x" * 100_000, "-1", "0", "99999999999999999999", "1e309", "NaN", "2026-02-30",
         "31.12.1899", "../../etc/passwd", "%00", "\u202e", "{fornavn}", "null", "[]", "{}",
         "javascript:alert(1)", "１２３", "true"]

EXTRA_FIELDS = ["f-general_goal", "f-situation", "f-thought", "add_row", "language", "next", "body",
                "do", "measure", "snippet", "format", "checkin_id", "action", "minutes", "code",
                "q1", "q2", "q9", "reason", "note", "motivation", "accept_terms", "password"]

text = st.one_of(st.sampled_from(NASTY), st.text(max_size=300),
                 st.integers(min_value=-2**70, max_value=2**70).map(str))


def _form_field_names() -> list[str]:
    """Every field name of every FlaskForm in the app, plus names views read directly."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    names: set[str] = set()
    seen: set[type] = set()
    stack = [FlaskForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            names.update(n for n in dir(sub) if isinstance(getattr(sub, n, None), UnboundField))
    return sorted(names | set(EXTRA_FIELDS))


def _snapshot(db) -> dict[str, str]:
    """A digest of every table's rows (those that may change for anyone left out)."""
    db.expire_all()
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name in CHANGES_ALLOWED_FOR_ANYONE:
            continue
        rows = db.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    db.rollback()
    return out


@pytest.fixture
def too_long_for_postgresql():
    """SQLite ignores VARCHAR lengths; PostgreSQL refuses longer text with an error (a 500).
    Record every flushed value longer than its column so the SQLite run catches it too."""
    found: list[str] = []

    def check(session, flush_context, instances):
        for obj in list(session.new) + list(session.dirty):
            for column in inspect(obj).mapper.columns:
                limit = getattr(column.type, "length", None) if isinstance(column.type, String) else None
                value = getattr(obj, column.key, None)
                if limit and isinstance(value, str) and len(value) > limit:
                    found.append(f"{column.table.name}.{column.name}: {len(value)} > {limit}")

    event.listen(Session, "before_flush", check)
    yield found
    event.remove(Session, "before_flush", check)


@pytest.fixture
def fuzz_world(app, db, personas, too_long_for_postgresql):
    """Sample objects, the POST routes with their URLs, and a client and CSRF token per persona."""
    from flask import url_for

    objects = {**personas, **_sample_objects(db, personas)}
    routes = []
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        with app.test_request_context():
            routes.append((rule.endpoint, url_for(rule.endpoint, **_url_values(rule, objects))))
    return {"routes": sorted(routes), "fields": _form_field_names(),
            "too_long": too_long_for_postgresql}


def _client(as_persona, persona):
    client = as_persona(persona)
    return client, csrf_token(client)


def _check(db, client, persona, endpoint, path, data, before, too_long=()):
    response = client.post(path, data=data)
    assert response.status_code < 500, f"{persona} POST {path} {repr(data)[:300]}: {response.status_code}"
    response.close()
    assert not too_long, f"{persona} POST {path} stored text too long for PostgreSQL: {too_long}"
    if persona not in ACCESS[endpoint]:
        after = _snapshot(db)
        changed = [t for t in before if before[t] != after[t]]
        assert not changed, f"{persona} changed {changed} through POST {path} with {repr(data)[:300]}"
    return response


@pytest.mark.parametrize("persona", PERSONAS)
def test_malformed_posts_to_every_form_never_fail_or_leak(fuzz_world, as_persona, db, persona):
    """Fixed hostile payloads against every POST route: no token, a wrong token, every field
    empty, huge, NUL bytes, lists where one value is expected."""
    client, token = _client(as_persona, persona)
    fields = fuzz_world["fields"]
    payloads = [
        {},
        {"csrf_token": "forged"},
        {"csrf_token": token, **{f: "" for f in fields}},
        {"csrf_token": token, **{f: "x" * 20_000 for f in fields}},
        {"csrf_token": token, **{f: "a\x00b" for f in fields}},
        {"csrf_token": token, **{f: ["1", "2", "<b>3</b>"] for f in fields}},
        {"csrf_token": [token, token], **{f: "-1" for f in fields}},
        {"csrf_token": token, **{f: "99999999999999999999" for f in fields}},
        {"csrf_token": token, **{f: "\u202e\ufeff💥" for f in fields}},
    ]
    for endpoint, path in fuzz_world["routes"]:
        if endpoint == "accounts.logout":
            continue  # ends the persona's session; covered by the random test
        for data in payloads:
            before = _snapshot(db) if persona not in ACCESS[endpoint] else None
            _check(db, client, persona, endpoint, path, data, before, fuzz_world["too_long"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_random_posts_to_every_form_never_fail_or_leak(fuzz_world, as_persona, db, persona):
    """Hypothesis picks a route and fills random fields with random text."""
    routes = [r for r in fuzz_world["routes"] if r[0] != "accounts.logout"]
    fields = fuzz_world["fields"]
    client, token = _client(as_persona, persona)

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(route=st.sampled_from(routes),
           values=st.dictionaries(st.sampled_from(fields), text, max_size=8),
           with_token=st.booleans())
    def post(route, values, with_token):
        endpoint, path = route
        data = {**values, **({"csrf_token": token} if with_token else {})}
        before = _snapshot(db) if persona not in ACCESS[endpoint] else None
        _check(db, client, persona, endpoint, path, data, before, fuzz_world["too_long"])

    post()
