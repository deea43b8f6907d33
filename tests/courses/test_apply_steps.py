"""Applying one thing per page: the steps, the draft kept on the server between them, the check
page with "Endre", sending through the admission rules, and who may open which step."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import func, select

from selfhelp.content import get_catalogue
from selfhelp.courses.models import Application, ApplicationDraft
from selfhelp.courses.services import admission, drafts
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult
from selfhelp.measures.scoring import IncompleteAnswers
from selfhelp.privacy import closure
from selfhelp.privacy.queries import collect
from tests import factories
from tests.conftest import csrf_token, login, post_form
from tests.courses.steps import ANSWERS, apply_in_steps, step_url
from tests.factories import make_cohort

STEPS = ("", "motivation", "screening", "guardian", "check", "sent")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def cohort(db, personas, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    db.commit()
    return cohort


def _drafts(db) -> int:
    return db.scalar(select(func.count()).select_from(ApplicationDraft))


def _html(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


# --- the pages ----------------------------------------------------------------------------------

def test_the_cohort_page_leads_to_the_start_which_says_who_reads_the_answers(as_persona, cohort):
    resident = as_persona("resident")
    page = _html(resident, f"/courses/{cohort.id}")
    assert f'href="/courses/{cohort.id}/apply"' in page and "Søk på kurset" in page
    assert 'name="motivation"' not in page  # no form under the schedule any more
    start = _html(resident, step_url(cohort.id))
    assert "Hvem leser svarene" in start and "Kurt Leader" in start
    assert "Hva skjer etterpå" in start and "omtrent 5 minutter" in start
    assert f'href="/courses/{cohort.id}/apply/motivation"' in start


def test_the_steps_count_and_lead_on_to_the_check_page_and_the_confirmation(as_persona, db, cohort):
    resident = as_persona("resident")
    assert "Steg 1 av 3" in _html(resident, step_url(cohort.id, "motivation"))
    response = post_form(resident, step_url(cohort.id, "motivation"), {"motivation": "Sove bedre"})
    assert response.headers["Location"].endswith(step_url(cohort.id, "screening"))
    assert "Steg 2 av 3" in _html(resident, step_url(cohort.id, "screening"))
    response = post_form(resident, step_url(cohort.id, "screening"), {**ANSWERS, "q3": "2"})
    assert response.headers["Location"].endswith(step_url(cohort.id, "check"))
    check = _html(resident, step_url(cohort.id, "check"))
    assert "Se over svarene dine" in check and "Steg 3 av 3" in check and "Sove bedre" in check
    assert f'href="/courses/{cohort.id}/apply/motivation?change=1"' in check
    assert f'href="/courses/{cohort.id}/apply/screening?change=1"' in check
    assert "Mer enn halvparten av dagene" in check  # the answer to item 3, in words
    assert db.scalar(select(Application)) is None  # nothing is sent before "Send søknaden"

    response = post_form(resident, step_url(cohort.id, "send"), {}, page=step_url(cohort.id, "check"))
    assert response.headers["Location"].endswith(step_url(cohort.id, "sent"))
    sent = _html(resident, step_url(cohort.id, "sent"))
    assert "Søknaden er sendt" in sent and "Hva skjer nå" in sent and 'href="/courses/mine"' in sent
    db.expire_all()
    application = db.scalar(select(Application))
    assert application.motivation == "Sove bedre"
    assert db.get(MeasureResult, application.screening_result_id).answers["q3"] == 2
    assert _drafts(db) == 0  # deleted on send
    # Applied: the steps go back to the cohort page, which shows the status.
    assert resident.get(step_url(cohort.id, "motivation")).headers["Location"].endswith(
        f"/courses/{cohort.id}")


def test_a_missing_motivation_is_marked_and_nothing_moves_on(as_persona, db, cohort):
    html = post_form(as_persona("resident"), step_url(cohort.id, "motivation"),
                     {"motivation": "  "}).get_data(as_text=True)
    assert "Skriv noen ord om hva du ønsker å få ut av kurset." in html
    assert 'aria-invalid="true"' in html and 'href="#motivation"' in html
    assert _drafts(db) == 0


def test_the_error_summary_names_the_item_that_is_missing(as_persona, db, cohort):
    resident = as_persona("resident")
    answers = {k: v for k, v in ANSWERS.items() if k != "q9"}
    html = post_form(resident, step_url(cohort.id, "screening"), answers).get_data(as_text=True)
    assert 'href="#q9-0">Spørsmål 9: Svar på dette spørsmålet.' in html
    assert "Spørsmål 1:" not in html
    assert 'id="q1-1" name="q1" value="1"\n               checked' in html  # what was chosen stays
    # The answered items are kept in the draft already.
    assert db.scalar(select(ApplicationDraft)).answers["screening"] == answers


def test_answers_survive_going_back_and_forth(as_persona, db, cohort):
    resident = as_persona("resident")
    post_form(resident, step_url(cohort.id, "motivation"), {"motivation": "Få overskudd"})
    post_form(resident, step_url(cohort.id, "screening"), {"q1": "2", "q2": "3"})
    # Back to the first step: the text is there; forward again: the choices are there.
    assert "Få overskudd" in _html(resident, step_url(cohort.id, "motivation"))
    screening = _html(resident, step_url(cohort.id, "screening"))
    assert 'id="q1-2" name="q1" value="2"\n               checked' in screening
    assert 'id="q2-3" name="q2" value="3"\n               checked' in screening
    # The check page is not reached with a step unanswered: it sends you to that step.
    response = resident.get(step_url(cohort.id, "check"))
    assert response.headers["Location"].endswith(step_url(cohort.id, "screening"))
    # Changing from the check page returns to it.
    post_form(resident, step_url(cohort.id, "screening"), ANSWERS)
    response = post_form(resident, step_url(cohort.id, "motivation") + "?change=1",
                         {"motivation": "Få mer overskudd"})
    assert response.headers["Location"].endswith(step_url(cohort.id, "check"))
    assert "Få mer overskudd" in _html(resident, step_url(cohort.id, "check"))


def test_nobody_reads_another_residents_draft(as_persona, db, cohort):
    post_form(as_persona("resident"), step_url(cohort.id, "motivation"), {"motivation": "Hemmelig tekst"})
    other = as_persona("other_resident")
    for step in ("", "motivation", "screening", "check"):
        assert "Hemmelig tekst" not in _html(other, step_url(cohort.id, step))
    # Sending without a draft of one's own sends nothing (and leaves the other draft alone).
    response = post_form(other, step_url(cohort.id, "send"), {}, page=step_url(cohort.id))
    assert response.headers["Location"].endswith(step_url(cohort.id, "check"))
    assert db.scalar(select(Application)) is None and _drafts(db) == 1


def test_answers_posted_after_the_login_expired_are_kept_for_after_logging_in(app, personas, db, cohort):
    client = app.test_client()
    login(client, personas["resident"])
    token = csrf_token(client, step_url(cohort.id, "motivation"))
    with client.session_transaction() as session:  # the login expires; the browser session stays
        session.pop("_user_id")
    response = client.post(step_url(cohort.id, "motivation"),
                           data={"motivation": "Skrevet før utlogging", "csrf_token": token})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login(client, personas["resident"])
    assert "Skrevet før utlogging" in _html(client, step_url(cohort.id, "motivation"))
    # The same for the questionnaire: the chosen answers wait in the draft.
    token = csrf_token(client, step_url(cohort.id, "screening"))
    with client.session_transaction() as session:
        session.pop("_user_id")
    client.post(step_url(cohort.id, "screening"), data={**ANSWERS, "q2": "3", "csrf_token": token})
    login(client, personas["resident"])
    screening = _html(client, step_url(cohort.id, "screening"))
    assert 'id="q2-3" name="q2" value="3"\n               checked' in screening
    assert client.get(step_url(cohort.id, "check")).status_code == 200  # every step answered


def test_a_post_without_a_session_of_our_own_keeps_nothing(app, db, cohort):
    response = app.test_client().post(step_url(cohort.id, "motivation"), data={"motivation": "Fremmed"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _drafts(db) == 0


def test_du_under_16_gives_a_guardian_with_each_error_at_its_field(as_persona, db, personas, clock):
    cohort = make_cohort(course="DU", leaders=[personas["course_leader"], factories.make_staff(
        roles=["course_leader"], qualifications=["du_leader"])], first_date=date(2026, 4, 14))
    young = factories.make_resident(age=15, email="ung@example.com")
    db.commit()
    client = current_app.test_client()
    login(client, young)
    assert "Steg 1 av 4" in _html(client, step_url(cohort.id, "motivation"))
    html = post_form(client, step_url(cohort.id, "guardian"),
                     {"guardian_name": "Mamma Person", "guardian_contact": ""}).get_data(as_text=True)
    assert 'id="guardian_contact-error"' in html and 'id="guardian_name-error"' not in html
    assert _marked(html, "guardian_contact") and not _marked(html, "guardian_name")
    assert 'value="Mamma Person"' in html
    html = post_form(client, step_url(cohort.id, "guardian"),
                     {"guardian_name": "", "guardian_contact": "900 11 222"}).get_data(as_text=True)
    assert 'id="guardian_name-error"' in html and 'id="guardian_contact-error"' not in html

    response = apply_in_steps(client, cohort.id, "Bli tryggere", ANSWERS, guardian=("Mamma", "900 11 222"))
    assert response.headers["Location"].endswith(step_url(cohort.id, "sent"))
    assert "samtykke" in _html(client, step_url(cohort.id, "sent"))
    application = db.scalar(select(Application))
    assert (application.guardian_name, application.guardian_contact) == ("Mamma", "900 11 222")


def _marked(html: str, field_id: str) -> bool:
    """Whether the input with this id is marked invalid."""
    at = html.index(f'id="{field_id}"')
    tag = html[html.rindex("<input", 0, at):html.index(">", at)]
    return 'aria-invalid="true"' in tag


def test_someone_who_needs_no_guardian_skips_that_step(as_persona, cohort):
    response = as_persona("resident").get(step_url(cohort.id, "guardian"))
    assert response.headers["Location"].endswith(step_url(cohort.id, "check"))


def test_a_resident_of_another_municipality_is_sent_to_the_cohort_page(db, personas, cohort):
    outsider = factories.make_resident(municipality=factories.OTHER_MUNICIPALITY)
    db.commit()
    client = current_app.test_client()
    login(client, outsider)
    for step in ("", "motivation", "screening", "guardian", "check"):
        response = client.get(step_url(cohort.id, step))
        assert response.headers["Location"].endswith(f"/courses/{cohort.id}"), step
    response = post_form(client, step_url(cohort.id, "motivation"), {"motivation": "Likevel"},
                         page=f"/courses/{cohort.id}")
    assert response.headers["Location"].endswith(f"/courses/{cohort.id}")
    assert _drafts(db) == 0
    assert "bare for innbyggere i kommunen" in _html(client, f"/courses/{cohort.id}")


@pytest.mark.parametrize("step", STEPS + ("send",))
def test_anonymous_goes_to_log_in_and_staff_are_refused(as_persona, cohort, step):
    for persona in ("anonymous", "guide", "course_leader", "admin"):
        client = as_persona(persona)
        if step == "send":
            response = client.post(step_url(cohort.id, step), data={"csrf_token": csrf_token(client)})
        else:
            response = client.get(step_url(cohort.id, step))
        if persona == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], step
        else:
            assert response.status_code == 403, (persona, step)


def test_a_draft_cohort_or_unknown_id_is_not_found(as_persona, db, personas, clock):
    hidden = make_cohort(leaders=[personas["course_leader"]], publish=False)
    db.commit()
    resident = as_persona("resident")
    assert resident.get(step_url(hidden.id, "motivation")).status_code == 404
    assert resident.get(step_url(2_000_000, "motivation")).status_code == 404


def test_the_sent_page_without_an_application_goes_back_to_the_cohort(as_persona, cohort):
    response = as_persona("resident").get(step_url(cohort.id, "sent"))
    assert response.headers["Location"].endswith(f"/courses/{cohort.id}")


# --- the service ----------------------------------------------------------------------------------

def _kid():
    return get_catalogue().courses["KiD"]


def test_save_merges_the_steps_into_one_row(db, personas, cohort):
    resident = personas["resident"]
    drafts.save(resident, cohort, {"motivation": "Først"}, NOW)
    drafts.save(resident, cohort, {"screening": {"q1": "1"}}, NOW + timedelta(minutes=3))
    draft = drafts.draft_of(resident, cohort)
    assert draft.answers == {"motivation": "Først", "screening": {"q1": "1"}}
    assert draft.updated_at == NOW + timedelta(minutes=3)
    assert _drafts(db) == 1
    assert drafts.answers_of(personas["other_resident"], cohort) == {}
    with pytest.raises(ValueError):
        drafts.save(resident, cohort, {"state": "admitted"}, NOW)


def test_send_applies_through_the_admission_rules_and_deletes_the_draft(db, personas, cohort):
    resident = personas["resident"]
    drafts.save(resident, cohort, {"motivation": "Lære", "screening": ANSWERS}, NOW)
    application, answered = drafts.send(resident, cohort, _kid(), get_measures()["PHQ-9"], NOW)
    assert application.state == "received" and application.screening_result_id is not None
    assert answered.flags == [] and drafts.draft_of(resident, cohort) is None


def test_an_incomplete_or_refused_draft_is_kept(db, personas, cohort):
    resident = personas["resident"]
    drafts.save(resident, cohort, {"motivation": "Lære", "screening": {"q1": "1"}}, NOW)
    with pytest.raises(admission.AdmissionError) as error:
        drafts.send(resident, cohort, _kid(), get_measures()["PHQ-9"], NOW)
    assert error.value.code == "incomplete"
    drafts.save(resident, cohort, {"screening": {**ANSWERS, "q5": "7"}}, NOW)  # not an option
    with pytest.raises(IncompleteAnswers):
        drafts.send(resident, cohort, _kid(), get_measures()["PHQ-9"], NOW)
    factories.make_application(cohort, resident)  # applied meanwhile in another tab
    drafts.save(resident, cohort, {"screening": ANSWERS}, NOW)
    with pytest.raises(admission.AdmissionError) as error:
        drafts.send(resident, cohort, _kid(), get_measures()["PHQ-9"], NOW)
    assert error.value.code == "already_applied"
    assert drafts.draft_of(resident, cohort) is not None
    assert db.scalar(select(func.count()).select_from(MeasureResult)) == 0


def test_closing_the_account_deletes_the_drafts_and_the_export_holds_them(db, personas, cohort, clock):
    resident = personas["resident"]
    drafts.save(resident, cohort, {"motivation": "Ikke sendt ennå", "screening": {"q1": "2"}}, NOW)
    drafts.save(personas["other_resident"], cohort, {"motivation": "Ottos"}, NOW)
    [exported] = collect(resident, "nb", NOW)["course_application_drafts"]
    assert exported["motivation"] == "Ikke sendt ennå" and exported["screening_answers"] == {"q1": "2"}
    assert exported["cohort_id"] == cohort.id and exported["course"] == "KiD"
    closure.close_account(resident, NOW)
    assert drafts.draft_of(resident, cohort) is None
    assert drafts.draft_of(personas["other_resident"], cohort) is not None


def test_the_steps_read_in_english(as_persona, cohort):
    resident = as_persona("resident")
    post_form(resident, "/language", {"language": "en", "next": "/dashboard"})
    start = _html(resident, step_url(cohort.id))
    assert "Who reads your answers" in start and "Start the application" in start
    post_form(resident, step_url(cohort.id, "motivation"), {"motivation": "Sleep better"})
    assert "Step 2 of 3" in _html(resident, step_url(cohort.id, "screening"))
    post_form(resident, step_url(cohort.id, "screening"), ANSWERS)
    check = _html(resident, step_url(cohort.id, "check"))
    assert "Check your answers" in check and "Send the application" in check
    assert "Se over svarene dine" not in check


def test_the_readable_export_shows_an_application_not_sent(as_persona, db, personas, cohort):
    resident = as_persona("resident")
    post_form(resident, step_url(cohort.id, "motivation"), {"motivation": "Halvveis skrevet"})
    html = post_form(resident, "/account/export", {"password": factories.PASSWORD, "format": "html"},
                     page="/account/export").get_data(as_text=True)
    assert "Søknader du har begynt på, men ikke sendt" in html and "Halvveis skrevet" in html


def test_drafts_that_can_no_longer_be_sent_are_deleted_by_the_hourly_job(app, db, personas, clock):
    from selfhelp.courses.services import cohorts as cohort_services
    from selfhelp.privacy import jobs

    open_one = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    past = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    past.application_deadline = date(2026, 3, 1)  # yesterday
    cancelled = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 21))
    for cohort in (open_one, past, cancelled):
        drafts.save(personas["resident"], cohort, {"motivation": "Halvveis"}, NOW)
    cohort_services.cancel_cohort(personas["course_leader"], cancelled, "For få påmeldte", NOW)
    db.commit()
    assert jobs.delete_stale_drafts(NOW) == 2
    db.expire_all()
    assert [d.cohort_id for d in db.scalars(select(ApplicationDraft))] == [open_one.id]
    assert jobs.delete_stale_drafts(NOW) == 0
