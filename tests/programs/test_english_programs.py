"""A resident reading in English sees every program page, module, worksheet label and choice in
English, and a choice made in English is stored as its bokmål value."""
import pytest
from markupsafe import escape
from sqlalchemy import select, update

from selfhelp.programs.models import Enrolment, WorksheetAnswer
from tests.conftest import post_form
from tests.programs.helpers import program

PROGRAMS = ["depression", "panic", "social-anxiety", "while-you-wait"]


def _start_in_english(client, db, slug):
    response = post_form(client, f"/programs/{slug}/start", {}, page=f"/programs/{slug}")
    assert response.status_code == 302
    db.execute(update(Enrolment).values(unlocked_through=99))
    db.commit()
    post_form(client, "/language", {"language": "en", "next": f"/programs/{slug}"})


def _texts(field):
    yield field.label
    yield from (t for t in (field.help, field.min_label, field.max_label, field.add_label) if t)
    yield from field.options
    for column in field.columns:
        yield from _texts(column)


@pytest.mark.parametrize("slug", PROGRAMS)
def test_every_module_and_worksheet_of_the_program_is_shown_in_english(
        as_persona, personas, db, clock, slug):
    client = as_persona("resident")
    _start_in_english(client, db, slug)
    shown = program(slug)
    page = client.get(f"/programs/{slug}").get_data(as_text=True)
    assert str(escape(shown.title["en"])) in page
    for module in shown.modules:
        html = client.get(f"/programs/{slug}/{module.slug}").get_data(as_text=True)
        english, bokmal = module.text("en"), module.text("nb")
        assert f"Module {module.number} of {len(shown.modules)}" in html
        assert str(escape(english.title)) in html and str(escape(bokmal.title)) not in html
        for exercise in english.exercises:
            assert str(escape(exercise.title)) in html, (module.slug, exercise.key)
            for field in exercise.fields:
                for text in _texts(field):
                    assert str(escape(text)) in html, (module.slug, exercise.key, field.key, text)


def test_a_choice_made_in_english_is_stored_in_bokmal_and_shown_in_english(
        as_persona, personas, db, clock):
    client = as_persona("resident")
    _start_in_english(client, db, "panic")
    path = "/programs/panic/01-hva-er-panikk"
    response = post_form(client, path + "/exercises/my_panic",
                         {"f-how_often": "Omtrent én gang i uka"}, page=path)
    assert response.status_code == 302
    assert db.scalar(select(WorksheetAnswer)).data["how_often"] == "Omtrent én gang i uka"
    html = client.get(path).get_data(as_text=True)
    checked = html.split('value="Omtrent én gang i uka"')[1].split(">")[0]
    assert "checked" in checked
    assert "About once a week" in html
