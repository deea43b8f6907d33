"""Answering the program's questionnaires: scoring, clear messages, and the risk rule."""
import re

from sqlalchemy import select

from selfhelp.measures.models import MeasureResult, RiskFlag
from tests.conftest import post_form

Q = "/programs/depression/questionnaires/PHQ-9/start"


def _start(client):
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")


def _answers(values):
    return {f"q{i}": str(v) for i, v in enumerate(values, start=1)}


def test_the_start_questionnaire_is_listed_on_the_dashboard(as_persona, personas, clock):
    client = as_persona("resident")
    _start(client)
    html = client.get("/dashboard").get_data(as_text=True)
    assert Q in html


def test_answers_are_scored_and_stored_with_the_band(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    response = post_form(client, Q, _answers([2, 2, 2, 2, 1, 1, 1, 0, 0]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/progress")
    result = db.scalar(select(MeasureResult))
    assert (result.score, result.is_case, result.context, result.occasion) == (11, True, "program:depression", "start")
    assert db.scalar(select(RiskFlag)) is None
    progress = client.get("/progress").get_data(as_text=True)
    # One answer is said in words; a graph of one point says nothing about a change.
    assert "Du har svart én gang" in progress and "11 poeng" in progress and "«Moderat»" in progress
    assert 'class="measure-graph"' not in progress


def test_missing_answers_are_refused_item_by_item_and_choices_are_kept(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    answers = _answers([1, 1, 1, 1, 1, 1, 1, 1, 0])
    del answers["q3"], answers["q7"]
    html = post_form(client, Q, answers).get_data(as_text=True)
    assert "Noen spørsmål mangler svar" in html
    assert html.count("Svar på dette spørsmålet.") == 4  # twice each: summary and beside the item
    assert re.search(r'id="q1-1"[^>]*checked', html)  # what was chosen stays chosen
    assert not re.search(r'id="q1-0"[^>]*checked', html)
    assert db.scalar(select(MeasureResult)) is None


def test_any_answer_above_zero_on_item_nine_shows_crisis_contacts_and_raises_a_flag(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    response = post_form(client, Q, _answers([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert response.headers["Location"].endswith("/support")
    html = client.get("/support").get_data(as_text=True)
    for number in ("113", "116 117", "116 123", "22 40 00 40"):
        assert number in html
    # No guide is assigned yet: the page must not promise one (tests/care covers every owner).
    assert "Et team i kommunen ser svaret ditt" in html and "Veilederen din" not in html
    flag = db.scalar(select(RiskFlag).where(RiskFlag.kind == "risk"))
    assert (flag.reason, flag.item_value, flag.score, flag.state) == ("self_harm_item", 1, 1, "open")
    assert flag.resident_id == personas["resident"].id


def test_a_questionnaire_cannot_be_answered_twice_or_before_it_is_due(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    post_form(client, Q, _answers([0] * 9))
    again = client.get(Q)
    assert again.status_code == 302
    early = client.get("/programs/depression/questionnaires/PHQ-9/week-3")
    assert early.status_code == 302
    assert len(db.scalars(select(MeasureResult)).all()) == 1


def test_progress_marks_reliable_improvement(as_persona, personas, db, clock):
    from datetime import timedelta

    client = as_persona("resident")
    _start(client)
    post_form(client, Q, _answers([2, 2, 2, 2, 2, 2, 2, 2, 0]))  # 16
    clock.shift(timedelta(weeks=1))
    post_form(client, "/programs/depression/questionnaires/PHQ-9/week-1", _answers([1, 1, 1, 1, 1, 1, 1, 1, 0]))  # 8
    html = client.get("/progress").get_data(as_text=True)
    assert "pålitelig bedring" in html.lower()
    assert 'class="measure-graph"' in html and "Du har svart én gang" not in html


def test_the_error_summary_names_the_missing_items_by_their_own_numbers(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    answers = _answers([1, 1, 1, 1, 1, 1, 1, 1])  # item 9 left out
    del answers["q3"]  # and item 3
    html = post_form(client, Q, answers).get_data(as_text=True)
    summary = html.split('class="ds-error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a class="ds-link" href="#(q\d)-0">Spørsmål (\d+):', summary)
    assert links == [("q3", "3"), ("q9", "9")]  # linked to the item's first choice
    assert 'id="q9-0"' in html
