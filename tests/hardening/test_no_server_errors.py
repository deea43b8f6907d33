"""Junk in addresses, query strings and double submits gives a clear answer, never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from selfhelp.measures.models import MeasureResult
from selfhelp.programs.models import Enrolment, WorksheetAnswer
from tests.conftest import post_form

TOO_LARGE = 2**31  # one more than PostgreSQL's integer holds

M1 = "/programs/depression/01-forsta-depresjon"
PHQ = "/programs/depression/questionnaires/PHQ-9/start"


@pytest.mark.parametrize("path", [f"/toolbox/{TOO_LARGE}", f"/toolbox/{TOO_LARGE}/download",
                                  "/toolbox/99999999999999999999", "/toolbox/0",
                                  f"/notifications/{TOO_LARGE}", f"/courses/{TOO_LARGE}"])
def test_an_id_beyond_the_database_integer_is_not_found(as_persona, path):
    response = as_persona("resident").get(path)
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


def test_a_nul_byte_in_an_address_is_not_found(client):
    response = client.get("/courses/calendar/a%00b.ics")
    assert response.status_code == 404


def test_a_posted_id_beyond_the_database_integer_is_not_found(as_persona):
    from tests.conftest import csrf_token

    client = as_persona("admin")
    response = client.post(f"/admin/staff/{TOO_LARGE}/resend-invitation",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 404


@pytest.mark.parametrize("query, message", [
    (f"staff={TOO_LARGE}", "Velg en ansatt fra listen."),
    ("staff=abc", "Velg en ansatt fra listen."),
    ("resident=%00x", "Fant ingen person"),
    (f"resident={TOO_LARGE}", "Fant ingen person"),
    ("start=0001-01-01", "Velg en dato mellom år 1900 og 2999."),
    ("end=9999-12-31", "Velg en dato mellom år 1900 og 2999."),
])
def test_the_audit_search_explains_junk_filters(as_persona, query, message):
    client = as_persona("admin")
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, response.status_code)
        assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [("course=%00x", "Velg et kurs fra listen."),
                                            ("municipality=%00zz", "Velg en kommune fra listen."),
                                            ("course=nope", "Velg et kurs fra listen.")])
def test_the_course_filter_explains_an_unknown_choice(as_persona, query, message):
    response = as_persona("resident").get(f"/courses/?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def _once(monkeypatch, target: str, value):
    """Make `target` answer `value` the first time only: the window in which a double click's
    second request checked before the first one had committed."""
    import importlib

    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    calls = []

    def fake(*args, **kwargs):
        calls.append(1)
        return value if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(module, name, fake)
    return calls


def test_starting_a_program_twice_at_once_keeps_one_enrolment(as_persona, db, monkeypatch, clock):
    client = as_persona("resident")
    first = post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    assert first.status_code == 302
    calls = _once(monkeypatch, "selfhelp.programs.services.find_enrolment", None)
    second = post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    assert calls, "the race was not simulated"
    assert second.status_code == 302 and second.headers["Location"].endswith(M1)
    assert db.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_the_first_worksheet_save_twice_at_once_keeps_the_text(as_persona, db, monkeypatch, clock):
    client = as_persona("resident")
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    post_form(client, M1 + "/exercises/goals", {"f-general_goal": "Første klikk"}, page=M1)
    calls = _once(monkeypatch, "selfhelp.programs.services.find_answer", None)
    second = post_form(client, M1 + "/exercises/goals", {"f-general_goal": "Andre klikk"}, page=M1)
    assert calls, "the race was not simulated"
    assert second.status_code == 302
    db.expire_all()
    answers = db.scalars(select(WorksheetAnswer)).all()
    assert len(answers) == 1 and answers[0].data["general_goal"] == "Andre klikk"


def test_a_questionnaire_sent_twice_at_once_is_stored_once(as_persona, db, monkeypatch, clock):
    client = as_persona("resident")
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    answers = {f"q{i}": "1" for i in range(1, 9)} | {"q9": "0"}
    token_page = client.get(PHQ)
    assert token_page.status_code == 200
    post_form(client, PHQ, answers)
    _once(monkeypatch, "selfhelp.programs.views.answered_occasions", set())
    calls = _once(monkeypatch, "selfhelp.measures.services.is_answered", False)
    from tests.conftest import csrf_token

    second = client.post(PHQ, data={**answers, "csrf_token": csrf_token(client, "/dashboard")})
    assert calls, "the race was not simulated"
    assert second.status_code == 302
    assert db.scalar(select(func.count()).select_from(MeasureResult)) == 1


def test_the_error_page_works_after_a_failed_statement(app, as_persona):
    """errors.py rolls the session back first: the page itself reads the database."""
    from flask_login import login_required

    from selfhelp.db import db as session

    @login_required
    def broken():
        session.add(Enrolment())  # NOT NULL columns left empty: the flush fails
        try:
            session.flush()
        except Exception:  # noqa: BLE001
            pass  # a view that swallowed the error leaves the session needing a rollback
        session.execute(text("SELECT 1"))  # PendingRollbackError
        return "unreachable"

    app.add_url_rule("/_broken", "broken", broken)
    response = as_persona("resident").get("/_broken")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.get_data(as_text=True)


def test_text_posted_after_logout_to_an_unknown_worksheet_is_not_found(client):
    response = client.post("/programs/depression/01-forsta-depresjon/exercises/" + "x" * 300,
                           data={"f-general_goal": "tekst"})
    assert response.status_code == 404
