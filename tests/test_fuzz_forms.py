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
from tests.test_access_control import ACCESS, UNREADY_503, _rules, _sample_objects, _url_values

# Tables that legitimately change whoever posts: failed logins are counted, and worksheet text
# posted after the login expired is kept aside for its author (KeptText); session rows are touched.
CHANGES_ALLOWED_FOR_ANYONE = {"login_failures", "kept_texts", "user_sessions"}

NASTY = ["", " ", "\x00", "a\x00b", "\r\n", "<script>window.__xss=1</script>", "' OR 1=1 --",
         "💥" * 50, "x" * 100_000, "-1", "0", "99999999999999999999", "1e309", "NaN", "2026-02-30",
         "31.12.1899", "../../etc/passwd", "%00", "\u202e", "{fornavn}", "null", "[]", "{}",
         "javascript:alert(1)", "１２３", "true"]

EXTRA_FIELDS = ["f-general_goal", "f-situation", "f-thought", "add_row", "language", "next", "body",
                "do", "measure", "snippet", "format", "checkin_id", "action", "minutes", "code",
                "q1", "q2", "q9", "reason", "note", "motivation", "accept_terms", "password",
                "context", "checkpoint", "municipality", "back"]

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
        return after
    return None


class Snapshots:
    """The database's snapshot, reused while it is known to hold: the check after a refused post
    proved nothing changed, so that snapshot is the next post's "before". A post the persona may
    make (it may write), or a failed check, forgets it. Halves the snapshots, which dominate
    these tests on PostgreSQL (one SELECT per table each)."""

    def __init__(self, db):
        self.db = db
        self.known: dict[str, str] | None = None

    def check(self, client, persona, endpoint, path, data, too_long) -> None:
        known, self.known = self.known, None
        before = (known or _snapshot(self.db)) if persona not in ACCESS[endpoint] else None
        self.known = _check(self.db, client, persona, endpoint, path, data, before, too_long)


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
    snapshots = Snapshots(db)
    for endpoint, path in fuzz_world["routes"]:
        if endpoint == "accounts.logout":
            continue  # ends the persona's session; covered by the random test
        for data in payloads:
            snapshots.check(client, persona, endpoint, path, data, fuzz_world["too_long"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_random_posts_to_every_form_never_fail_or_leak(fuzz_world, as_persona, db, persona):
    """Hypothesis picks a route and fills random fields with random text."""
    routes = [r for r in fuzz_world["routes"] if r[0] != "accounts.logout"]
    fields = fuzz_world["fields"]
    client, token = _client(as_persona, persona)
    snapshots = Snapshots(db)

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(route=st.sampled_from(routes),
           values=st.dictionaries(st.sampled_from(fields), text, max_size=8),
           with_token=st.booleans())
    def post(route, values, with_token):
        endpoint, path = route
        data = {**values, **({"csrf_token": token} if with_token else {})}
        snapshots.check(client, persona, endpoint, path, data, fuzz_world["too_long"])

    post()


# ------------------------------------------------------------ path ids and query strings
# Every GET and POST route with junk in its address: ids beyond PostgreSQL's integer, negative,
# zero, NUL bytes, and dates at the calendar's edges in every query parameter the app reads.

import re  # noqa: E402
from urllib.parse import quote, urlencode  # noqa: E402

JUNK_IDS = [str(2**31), str(2**31 - 1), "99999999999999999999", "0", "-1", "1%00"]
JUNK_SEGMENTS = ["a\x00b", "x" * 300, "💥", "2147483648", "%2F"]
EDGE_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "31.12.9999", "01.01.0001"]
JUNK_QUERY = ["a\x00b", str(2**31), "-1", "99999999999999999999", "x" * 2000, "//evil.example/",
              *EDGE_DATES]
#: Query parameters the app reads (GET forms' fields and request.args), plus a few it does not.
QUERY_NAMES = ["page", "staff", "resident", "start", "end", "scope", "course", "municipality",
               "online", "format", "table", "next", "add_row", "lang", "token", "id"]
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _junk_paths(rule, good_path_values: dict) -> list[str]:
    """The rule's address with one argument at a time replaced by junk (the others real), each
    with True when the junk is an id one beyond PostgreSQL's integer."""
    paths = []
    for match in ARGUMENT.finditer(rule.rule):
        converter, name = match.group(1) or "default", match.group(2)
        for junk in (JUNK_IDS if converter == "int" else JUNK_SEGMENTS):
            def fill(m, name=name, junk=junk):
                if m.group(2) == name:
                    return junk if junk.startswith("%") or junk.isascii() and junk.strip("-0123456789e ") == "" \
                        else quote(junk, safe="")
                return quote(str(good_path_values[m.group(2)]), safe="")
            too_large_id = converter == "int" and junk == str(2**31)
            paths.append((ARGUMENT.sub(fill, rule.rule).replace(" ", "%20"), too_large_id))
    return paths


@pytest.fixture
def address_world(app, db, personas):
    """(endpoint, method, good path, junk paths) for every GET and POST route."""
    from flask import url_for

    objects = {**personas, **_sample_objects(db, personas)}
    routes = []
    for rule in _rules(app):
        if rule.endpoint == "accounts.logout":
            continue  # ends the persona's session
        values = _url_values(rule, objects)
        with app.test_request_context():
            good = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods & {"GET", "POST"}):
            routes.append((rule.endpoint, method, good, _junk_paths(rule, values)))
    return sorted(routes)


def _send(client, token, method, path, query=None):
    url = path + ("?" + urlencode(query, doseq=True) if query else "")
    data = {"csrf_token": token} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    response.close()
    return response


def _server_error(endpoint: str, status: int) -> bool:
    """A 5xx, except the 503 an unready instance answers by design (no scheduler in tests)."""
    return status >= 500 and not (endpoint in UNREADY_503 and status == 503)


def _no_server_errors(results) -> None:
    failures = [f"{method} {url[:200]}: {status}" for endpoint, method, url, status in results
                if _server_error(endpoint, status)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_junk_ids_in_every_address_are_never_a_server_error(address_world, as_persona, persona):
    client, token = _client(as_persona, persona)
    results, too_large = [], []
    for endpoint, method, _good, junk_paths in address_world:
        for path, too_large_id in junk_paths:
            status = _send(client, token, method, path).status_code
            results.append((endpoint, method, path, status))
            if too_large_id:
                too_large.append((method, path, status))
    _no_server_errors(results)
    assert too_large and all(status == 404 for _m, _p, status in too_large), \
        f"an id >= 2^31 must match no route: {[r for r in too_large if r[2] != 404]}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_junk_query_strings_on_every_route_are_never_a_server_error(address_world, as_persona, persona):
    """Each junk value in every query parameter at once, on every GET and POST route."""
    client, token = _client(as_persona, persona)
    results = []
    for endpoint, method, good, _junk in address_world:
        for value in JUNK_QUERY:
            query = {name: value for name in QUERY_NAMES}
            status = _send(client, token, method, good, query).status_code
            results.append((endpoint, method, f"{good}?{value!r}", status))
            if _server_error(endpoint, status):
                break
    _no_server_errors(results)


@pytest.mark.parametrize("persona", ["resident", "guide", "course_leader", "admin"])
def test_random_addresses_and_query_strings_are_never_a_server_error(address_world, as_persona, persona):
    """Hypothesis mixes a route, a real or junk address, and random query parameters."""
    client, token = _client(as_persona, persona)
    query_value = st.one_of(st.sampled_from(JUNK_QUERY), st.text(max_size=40),
                            st.integers(min_value=-2**64, max_value=2**64).map(str),
                            st.dates().map(str))

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(route=st.sampled_from(address_world), junk_index=st.integers(min_value=-1, max_value=30),
           query=st.dictionaries(st.sampled_from(QUERY_NAMES), st.lists(query_value, min_size=1, max_size=2),
                                 max_size=5))
    def request(route, junk_index, query):
        endpoint, method, good, junk_paths = route
        path = junk_paths[junk_index % len(junk_paths)][0] if junk_paths and junk_index >= 0 else good
        status = _send(client, token, method, path, query).status_code
        assert not _server_error(endpoint, status), f"{persona} {method} {path} {query!r}: {status}"

    request()
