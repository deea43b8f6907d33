"""A resident on a phone works through programs: every exercise type, autosave that survives an
expired login, questionnaires with the graph, and the risk page."""
import re

import pytest
from playwright.sync_api import expect

from selfhelp.content import get_catalogue
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser

SAMPLE = {"short_text": "kort svar", "long_text": "et lengre svar\nmed to linjer", "scale": "7",
          "number": "40", "date": "2026-03-05"}


def _resident(live_db, email="rita@example.com"):
    user = factories.make_resident(email=email, name="Rita Resident")
    live_db.commit()
    return user


def _log_in(page, base, email="rita@example.com"):
    log_in(page, base, email)


def _open_all_modules(live_db):
    from sqlalchemy import update

    from selfhelp.programs.models import Enrolment

    live_db.execute(update(Enrolment).values(unlocked_through=99))
    live_db.commit()


def _fill_field(form, exercise_key, field, name):
    locator_id = f"{exercise_key}-{name}"
    if field.type in ("choice", "multi_choice"):
        form.locator(f"#{locator_id}-0").check()
        return field.options[0]
    form.locator(f"#{locator_id}").fill(SAMPLE[field.type])
    return SAMPLE[field.type]


def test_resident_starts_every_program_and_fills_every_exercise_type(page, live_server, live_db):
    _resident(live_db)
    base = live_server.url
    _log_in(page, base)
    page.get_by_role("link", name="Selvhjelpsprogram").first.click()
    assert_accessible(page)
    seen_types = set()
    for program in get_catalogue().programs.values():
        page.goto(f"{base}/programs/{program.slug}")
        assert_accessible(page)
        page.get_by_role("button", name="Start programmet").click()
        expect(page.get_by_text("Modul 1 av")).to_be_visible()
        _open_all_modules(live_db)
        for module in program.modules:
            missing = {f.type for e in module.text("nb").exercises for f in e.fields} - seen_types
            columns = {c.type for e in module.text("nb").exercises for f in e.fields for c in f.columns}
            if not (missing | (columns - seen_types)) and module.number > 1:
                continue
            page.goto(f"{base}/programs/{program.slug}/{module.slug}")
            assert_accessible(page)
            for exercise in module.text("nb").exercises:
                form = page.locator(f"#exercise-{exercise.key} form")
                typed = []
                for field in exercise.fields:
                    if field.type == "rows":
                        for column in field.columns:
                            typed.append(_fill_field(form, exercise.key, column, f"f-{field.key}-0-{column.key}"))
                            seen_types.add(column.type)
                    else:
                        typed.append(_fill_field(form, exercise.key, field, f"f-{field.key}"))
                    seen_types.add(field.type)
                form.get_by_role("button", name="Lagre", exact=True).click()
                expect(page.get_by_text("Lagret.")).to_be_visible()
                section = page.locator(f"#exercise-{exercise.key}")
                for value in typed:
                    if value in SAMPLE.values() and "\n" not in value:
                        assert value in section.inner_html()
    assert seen_types >= {"short_text", "long_text", "scale", "number", "choice", "multi_choice",
                          "date", "rows"}, seen_types
    page.goto(base + "/toolbox/")
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Verktøykassen")).to_be_visible()


def test_autosave_keeps_text_through_an_expired_login(page, live_server, live_db):
    base = _started_depression(page, live_server, live_db)
    goal = page.locator("#goals-f-general_goal")
    goal.fill("Komme meg ut hver dag")
    expect(page.locator("#exercise-goals .save-status")).to_contain_text("Lagret kl.")

    page.context.clear_cookies()  # the login expires while the resident keeps writing
    goal.fill("Komme meg ut hver dag, også når det regner")
    expect(page.locator("#exercise-goals .save-status")).to_contain_text("Ikke lagret ennå")

    _log_in(page, base)
    page.goto(base + "/programs/depression/01-forsta-depresjon")
    expect(page.locator("#goals-f-general_goal")).to_have_value("Komme meg ut hver dag, også når det regner")
    expect(page.locator("#exercise-goals .save-status")).to_contain_text("Lagret kl.")
    page.reload()
    expect(page.locator("#goals-f-general_goal")).to_have_value("Komme meg ut hver dag, også når det regner")


def _started_depression(page, live_server, live_db) -> str:
    """A logged-in resident who has just started the depression program; returns the base URL."""
    _resident(live_db)
    base = live_server.url
    _log_in(page, base)
    page.goto(base + "/programs/depression")
    page.get_by_role("button", name="Start programmet").click()
    return base


def _answer(page, values):
    for index, value in enumerate(values, start=1):
        page.locator(f"#q{index}-{value}").check()
    page.get_by_role("button", name="Send svarene").click()


def test_resident_answers_phq9_gad7_who5_and_sees_the_graph(page, live_server, live_db):
    base = _started_depression(page, live_server, live_db)
    page.goto(base + "/dashboard")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Svar på: PHQ-9")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Send svarene").click()  # nothing answered
    expect(page.get_by_text("Noen spørsmål mangler svar")).to_be_visible()
    assert_accessible(page)
    _answer(page, [2, 2, 1, 1, 1, 1, 0, 0, 0])
    expect(page.get_by_role("heading", name="Min fremgang")).to_be_visible()
    page.goto(base + "/dashboard")
    page.get_by_role("link", name=re.compile("Svar på: GAD-7")).click()
    _answer(page, [1, 1, 1, 1, 1, 1, 1])
    page.goto(base + "/dashboard")
    page.get_by_role("link", name=re.compile("Svar på: WHO-5")).click()
    _answer(page, [3, 3, 2, 2, 3])
    # One answer each: said in words, not drawn as a one-point graph; the table holds the figures.
    expect(page.locator(".single-answer")).to_have_count(3)
    expect(page.locator("svg[role=img].measure-graph")).to_have_count(0)
    expect(page.get_by_role("cell", name="8")).to_be_visible()  # PHQ-9 total in the table
    assert_accessible(page)


def test_a_risk_answer_shows_crisis_contacts_at_once(page, live_server, live_db):
    base = _started_depression(page, live_server, live_db)
    page.goto(base + "/programs/depression/questionnaires/PHQ-9/start")
    _answer(page, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    expect(page.get_by_role("heading", name="Takk for at du svarte ærlig")).to_be_visible()
    for number in ("113", "116 117", "116 123", "22 40 00 40"):
        expect(page.get_by_role("link", name=number, exact=True).first).to_be_visible()
    assert_accessible(page)
