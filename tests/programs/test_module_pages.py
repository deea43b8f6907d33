"""A resident starts a program, reads modules, fills every kind of worksheet field and finishes."""
from sqlalchemy import select, update

from selfhelp.programs.models import Enrolment, WorksheetAnswer, WorksheetVersion
from tests.conftest import csrf_token, post_form

M1 = "/programs/depression/01-forsta-depresjon"


def _start(client):
    return post_form(client, "/programs/depression/start", {}, page="/programs/depression")


def test_catalogue_lists_every_shipped_program(as_persona, personas):
    html = as_persona("resident").get("/programs/").get_data(as_text=True)
    for title in ("Mestring av depresjon", "Mestring av panikkanfall", "Mestring av sosial angst",
                  "Mens du venter"):
        assert title in html


def test_starting_a_program_opens_the_first_module(as_persona, personas, db, clock):
    client = as_persona("resident")
    response = _start(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(M1)
    html = client.get(M1).get_data(as_text=True)
    assert "Modul 1 av 8" in html and "Oppgave" in html
    enrolment = db.scalar(select(Enrolment))
    assert enrolment.resident_id == personas["resident"].id and enrolment.current_module == "01-forsta-depresjon"


def test_a_module_that_has_not_opened_yet_sends_you_back(as_persona, personas, clock):
    client = as_persona("resident")
    _start(client)
    response = client.get("/programs/depression/02-aktivitet-og-humor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/programs/depression")


def test_module_pages_need_a_started_program(as_persona, personas):
    response = as_persona("resident").get(M1)
    assert response.status_code == 302


def test_saving_goals_with_rows_keeps_them_and_a_version(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    response = post_form(client, M1 + "/exercises/goals", {
        "f-general_goal": "Få mer energi i hverdagen",
        "f-specific_goals-0-goal": "Gå tur tre ganger i uka", "f-specific_goals-0-first_step": "Mandag",
        "f-specific_goals-1-goal": "", "f-specific_goals-1-first_step": "",
        "f-specific_goals-2-goal": "Ringe en venn", "f-specific_goals-2-first_step": "",
    }, page=M1)
    assert response.status_code == 302
    answer = db.scalar(select(WorksheetAnswer))
    assert answer.data == {"general_goal": "Få mer energi i hverdagen", "specific_goals": [
        {"goal": "Gå tur tre ganger i uka", "first_step": "Mandag"},
        {"goal": "Ringe en venn", "first_step": ""}]}
    assert len(db.scalars(select(WorksheetVersion)).all()) == 1
    html = client.get(M1).get_data(as_text=True)
    assert "Få mer energi i hverdagen" in html and 'value="Ringe en venn"' in html
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Få mer energi i hverdagen" in dashboard and "Gå tur tre ganger i uka" in dashboard


def test_autosave_answers_json_and_versions_are_kept_across_pauses(as_persona, personas, db, clock):
    from datetime import timedelta

    client = as_persona("resident")
    _start(client)
    token = csrf_token(client, M1)
    for text in ("første utkast", "andre utkast"):
        response = client.post(M1 + "/exercises/goals", data={"f-general_goal": text, "csrf_token": token},
                               headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json["saved"] is True
    assert len(db.scalars(select(WorksheetVersion)).all()) == 1  # close together: one version
    clock.shift(timedelta(minutes=30))
    client.post(M1 + "/exercises/goals", data={"f-general_goal": "tredje", "csrf_token": token},
                headers={"Accept": "application/json"})
    db.expire_all()
    versions = db.scalars(select(WorksheetVersion).order_by(WorksheetVersion.saved_at)).all()
    assert [v.data["general_goal"] for v in versions] == ["andre utkast", "tredje"]


def test_an_out_of_range_scale_is_kept_as_typed_with_a_message(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    text = client.get(M1).get_data(as_text=True)
    assert "how_are_you" in text
    from tests.programs.helpers import program

    exercise = program().modules[0].text("nb").exercise("how_are_you")
    scale = next(f for f in exercise.fields if f.type == "scale")
    response = post_form(client, M1 + "/exercises/how_are_you", {f"f-{scale.key}": "14"}, page=M1)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skriv et helt tall fra 0 til 10." in html and 'value="14"' in html
    assert db.scalar(select(WorksheetAnswer)).data[scale.key] == "14"


def test_a_stale_form_keeps_the_text_and_asks_to_save_again(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    response = client.post(M1 + "/exercises/goals", data={"f-general_goal": "Ikke mist meg"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det du skrev er ikke lagret ennå" in html and "Ikke mist meg" in html
    assert db.scalar(select(WorksheetAnswer)) is None


def test_add_row_without_javascript_saves_and_shows_one_more_row(as_persona, personas, clock):
    client = as_persona("resident")
    _start(client)
    response = post_form(client, M1 + "/exercises/goals", {
        "f-specific_goals-0-goal": "Første mål", "add_row": "specific_goals"}, page=M1)
    assert "add_row=specific_goals" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="f-specific_goals-1-goal"' in html


def test_marking_every_module_done_finishes_the_program(as_persona, personas, db, clock):
    from datetime import timedelta

    client = as_persona("resident")
    _start(client)
    from tests.programs.helpers import program

    for module in program().modules:
        response = post_form(client, f"/programs/depression/{module.slug}/done", {}, page="/programs/depression")
        assert response.status_code == 302, module.slug
        clock.shift(timedelta(weeks=1))
    db.expire_all()
    enrolment = db.scalar(select(Enrolment))
    assert enrolment.state == "finished" and enrolment.finished_at is not None


def test_the_english_module_is_shown_in_english(as_persona, personas, clock):
    client = as_persona("resident")
    _start(client)
    post_form(client, "/language", {"language": "en", "next": M1})
    html = client.get(M1).get_data(as_text=True)
    assert "Module 1 of 8" in html
    from tests.programs.helpers import program

    assert program().modules[0].text("en").title in html


def test_text_posted_after_the_login_expired_is_saved_after_logging_in_again(app, personas, db, clock):
    from tests.conftest import login

    client = app.test_client()
    login(client, personas["resident"])
    _start(client)
    token = csrf_token(client, M1)
    with client.session_transaction() as session:  # the login expires; the browser session stays
        session.pop("_user_id")
    response = client.post(M1 + "/exercises/goals", data={"f-general_goal": "Skrevet i to timer",
                                                          "csrf_token": token})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert db.scalar(select(WorksheetAnswer)) is None
    logged_in = post_form(client, "/login", {"email": personas["resident"].email,
                                             "password": "correct horse battery"},
                          query_string={"next": M1})
    assert logged_in.headers["Location"].endswith(M1)
    html = client.get(M1).get_data(as_text=True)
    assert "Teksten du skrev før du ble logget ut, er lagret." in html and "Skrevet i to timer" in html
    db.expire_all()
    assert db.scalar(select(WorksheetAnswer)).data["general_goal"] == "Skrevet i to timer"


def test_text_posted_without_a_valid_session_is_shown_back_not_stored(app, personas, db, clock):
    client = app.test_client()
    response = client.post(M1 + "/exercises/goals", data={"f-general_goal": "Ikke la dette forsvinne"})
    assert response.status_code == 401
    assert "Ikke la dette forsvinne" in response.get_data(as_text=True)
    from selfhelp.accounts.models import KeptText

    assert db.scalar(select(KeptText)) is None


def test_the_last_module_shows_the_goals_from_the_first(as_persona, personas, db, clock):
    client = as_persona("resident")
    _start(client)
    post_form(client, M1 + "/exercises/goals", {"f-general_goal": "Tilbake i jobb",
                                                 "f-specific_goals-0-goal": "Sove sju timer"}, page=M1)
    db.execute(update(Enrolment).values(unlocked_through=8))
    db.commit()
    html = client.get("/programs/depression/08-ta-vare-pa-det-du-har-lart").get_data(as_text=True)
    assert "Målene du satte deg i starten" in html
    assert "Tilbake i jobb" in html and "Sove sju timer" in html
