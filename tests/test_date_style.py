"""One date and time style on every page (selfhelp/dates.py): every GET page every persona may
open, in bokmål and in English, is read as a person reads it (the text, not the attributes that
carry machine formats) and fails on a US date, an AM/PM time, seconds, a numeric 04.12.2026 or an
ISO date in the text."""
from __future__ import annotations

import html
import re

import pytest
from flask import url_for

from tests.conftest import post_form
from tests.test_access_control import ACCESS, KEYED, _rules, _sample_objects, _url_values

#: (name, pattern) of the styles a page must never show a person.
FORBIDDEN = [
    ("US date", re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")),
    ("12-hour clock", re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?:AM|PM|am|pm|a\.m\.|p\.m\.)(?!\w)")),
    ("seconds", re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}\b")),
    ("numeric date", re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")),
    ("ISO date", re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b")),
]

#: Pages that are not read as pages: downloads and machine answers.
NOT_PAGES = {"operations.healthz", "operations.readyz", "accounts.logout"}

TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
#: A field's hint shows the format a person types ("for eksempel 30.03.2026"), not a date shown.
HINT = re.compile(r'<p (?:class="hint"|data-field="description")[^>]*>.*?</p>', re.S)


def visible_text(page: str) -> str:
    return html.unescape(TAG.sub(" ", HINT.sub(" ", page)))


def problems_in(text: str) -> list[str]:
    found = []
    for name, pattern in FORBIDDEN:
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append(f"{name}: …{text[start:match.end() + 20]!r}")
    return found


def test_the_check_knows_each_style_it_forbids():
    for bad in ("12/4/26", "4:00 PM", "16:00:05", "04.12.2026", "2026-12-04"):
        assert problems_in(f"Møtet er {bad} i biblioteket."), bad
    for good in ("fredag 4. desember 2026 kl. 16.00", "Friday 4 December 2026, 16:00",
                 "4. des. 2026 kl. 16.00", "4 Dec 2026, 16:00", "PHQ-9: 12 av 27", "WCAG 2.1 AA"):
        assert not problems_in(good), good
    assert visible_text('<time datetime="2026-12-04T16:00">4. des.</time>').strip() == "4. des."
    assert not visible_text('<p class="hint" id="d-hint">For eksempel 30.03.2026.</p>').strip()
    assert not visible_text('<p data-field="description" id="d-hint">For eksempel 30.03.2026.</p>').strip()


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("persona", ["anonymous", "resident", "guide", "course_leader", "admin"])
def test_every_page_says_dates_and_times_one_way(app, db, personas, as_persona, persona, language):
    objects = {**personas, **_sample_objects(db, personas)}
    client = as_persona(persona)
    if language == "en":
        post_form(client, "/language", {"language": "en", "next": "/"})
    problems, read = [], 0
    for rule in _rules(app):
        if ("GET" not in rule.methods or persona not in ACCESS[rule.endpoint]
                or rule.endpoint in KEYED | NOT_PAGES):
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **_url_values(rule, objects))
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read += 1
        problems += [f"{path}: {p}" for p in problems_in(visible_text(response.get_data(as_text=True)))]
    assert read >= (5 if persona == "anonymous" else 10), f"only {read} pages were read"
    assert not problems, "\n".join(problems)
