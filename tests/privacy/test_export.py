"""A resident downloads everything the platform holds about them, as JSON and as a page."""
from __future__ import annotations

import json

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from tests import factories
from tests.conftest import post_form


def _export(client, fmt: str, password: str = factories.PASSWORD):
    return post_form(client, "/account/export", {"password": password, "format": fmt})


def test_json_export_holds_everything_about_the_resident(db, personas, as_persona, rich):
    as_persona("guide").get(f"/guide/residents/{personas['resident'].id}")  # shows up in the access log
    response = _export(as_persona("resident"), "json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="selfhelp-mine-data-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert set(data) >= {"profile", "programs", "questionnaires", "risk_flags", "courses", "checkins",
                         "messages", "guides", "notifications", "access_log", "exported_at",
                         "format_version"}
    profile = data["profile"]
    assert profile["name"] == "Rita Resident" and profile["email"] == personas["resident"].email
    assert profile["municipality"] == "Drammen"

    [program] = data["programs"]
    assert program["program"] == "depression" and program["title"]
    assert program["modules"][0]["completed_at"]
    [sheet] = [w for w in program["worksheets"] if w["exercise"] == "goals"]
    assert sheet["answer"]["general_goal"] == "Komme meg ut hver dag"
    assert any(f["text"] == "Komme meg ut hver dag" for f in sheet["fields"])
    assert [v["answer"]["general_goal"] for v in sheet["versions"]] == [
        "Første utkast av målet", "Komme meg ut hver dag"]

    [phq] = data["questionnaires"]
    assert phq["measure"] == "PHQ-9" and phq["score"] == 9 and phq["answers"]["q9"] == 1
    assert phq["band"] and phq["context_title"]
    assert data["risk_flags"][0]["reason"] == "self_harm_item"

    [course] = data["courses"]
    assert course["course"] == "KiD" and course["state"] == "admitted"
    assert course["motivation"] == "Lære å takle tunge dager"

    assert data["checkins"][0]["how_it_went"] == "Uka var tung, men jeg gikk tur"
    kinds = [(m["from"], m["kind"]) for m in data["messages"]]
    assert ("Gina Guide", "feedback") in kinds and ("you", "message") in kinds
    assert "Så bra at du gikk tur" in next(m["body_html"] for m in data["messages"] if m["kind"] == "feedback")
    assert data["guides"][0]["guide"] == "Gina Guide"
    assert any(e["who"] == "Gina Guide" and e["role"] == "veileder" for e in data["access_log"])
    assert any(n["kind"] == "course_admitted" for n in data["notifications"])
    assert data["exported_at"].endswith("+00:00")


def test_export_holds_nothing_of_other_residents(db, personas, as_persona, rich):
    other = as_persona("other_resident")
    data = json.loads(_export(other, "json").get_data(as_text=True))
    assert data["programs"] == [] and data["messages"] == [] and data["questionnaires"] == []
    assert "Rita" not in json.dumps(data)


def test_html_export_is_a_readable_page(db, personas, as_persona, rich):
    response = _export(as_persona("resident"), "html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for text in ("Rita Resident", "Komme meg ut hver dag", "Første utkast av målet", "PHQ-9",
                 "Lære å takle tunge dager", "Uka var tung", "Så bra at du gikk tur", "Tilgangslogg"):
        assert text in page, text
    assert "style=" not in page and "<style" not in page


def test_export_needs_the_password_again(db, personas, as_persona, rich):
    response = _export(as_persona("resident"), "json", password="wrong password")
    assert response.mimetype == "text/html"
    assert "Passordet stemmer ikke." in response.get_data(as_text=True)
    assert db.scalar(select(AuditEvent).where(AuditEvent.what == "data_export")) is None


def test_the_export_is_recorded_with_the_resident_as_actor(db, personas, as_persona, rich):
    _export(as_persona("resident"), "json")
    db.expire_all()
    event = db.scalars(select(AuditEvent).where(AuditEvent.what == "data_export")).one()
    assert (event.actor_id, event.resident_id, event.role, event.action) == (
        personas["resident"].id, personas["resident"].id, "resident", "export")
    page = as_persona("resident").get("/account/access-log").get_data(as_text=True)
    assert "Du selv" in page and "alle dataene dine (nedlasting)" in page


def test_guessing_the_password_is_throttled_like_logging_in(db, personas, as_persona, rich):
    client = as_persona("resident")
    for _ in range(5):
        _export(client, "json", password="wrong password")
    page = _export(client, "json").get_data(as_text=True)
    assert "For mange mislykkede forsøk" in page


def test_html_export_names_course_states_in_words(db, personas, as_persona, rich):
    page = _export(as_persona("resident"), "html").get_data(as_text=True)
    assert "Tatt opp" in page


def test_export_holds_every_follow_up_attempt_on_a_risk_flag(db, personas, as_persona, rich, clock):
    from selfhelp.care import services as care
    from selfhelp.clock import now
    from selfhelp.measures.models import RiskFlag

    flag = db.scalar(select(RiskFlag).where(RiskFlag.resident_id == personas["resident"].id))
    care.acknowledge(personas["guide"], flag, "no_contact", "Ringte, ingen svar", now())
    care.acknowledge(personas["guide"], flag, "called", "Snakket med Rita, ingen akutt fare", now())
    db.commit()
    data = json.loads(_export(as_persona("resident"), "json").get_data(as_text=True))
    [exported] = [f for f in data["risk_flags"] if f["reason"] == "self_harm_item"]
    assert [(a["outcome"], a["note"]) for a in exported["follow_ups"]] == [
        ("no_contact", "Ringte, ingen svar"), ("called", "Snakket med Rita, ingen akutt fare")]
    page = _export(as_persona("resident"), "html").get_data(as_text=True)
    assert "Ringte, ingen svar" in page
