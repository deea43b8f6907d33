"""Cancelling a session or a cohort and declining an applicant ask first: the GET page says who is
told and the exact email; a POST without a reason changes nothing; with one it acts."""
from datetime import date

from selfhelp.courses.models import Application, Cohort, CourseSession
from tests.conftest import post_form
from tests.factories import make_application, make_cohort


def _cohort(db, personas):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), auto_admit=True)
    application = make_application(cohort, personas["resident"])
    db.commit()
    return cohort, application


def test_cancel_session_asks_first_needs_a_reason_and_then_cancels(as_persona, personas, db, clock):
    cohort, _application = _cohort(db, personas)
    session = cohort.sessions[1]
    url = f"/leader/cohorts/{cohort.id}/sessions/{session.id}/cancel"
    leader = as_persona("course_leader")
    page = leader.get(url).get_data(as_text=True)
    assert "1 person får beskjed" in page and "En samling er avlyst" in page and "er avlyst" in page
    response = post_form(leader, url, {"reason": "  "})
    assert response.status_code == 200 and "Skriv en kort begrunnelse." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(CourseSession, session.id).state == "scheduled"
    response = post_form(leader, url, {"reason": "Lokalet er stengt"})
    assert response.status_code == 302
    db.expire_all()
    cancelled = db.get(CourseSession, session.id)
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "Lokalet er stengt")
    assert "Lokalet er stengt" in as_persona("resident").get("/courses/mine").get_data(as_text=True)


def test_cancel_cohort_asks_first_and_needs_a_reason(as_persona, personas, db, clock):
    cohort, _application = _cohort(db, personas)
    url = f"/leader/cohorts/{cohort.id}/cancel"
    leader = as_persona("course_leader")
    page = leader.get(url).get_data(as_text=True)
    assert "1 person får beskjed" in page and "Kurset er avlyst" in page
    response = post_form(leader, url, {"reason": ""})
    assert response.status_code == 200 and "Skriv en kort begrunnelse." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Cohort, cohort.id).state == "published"
    assert post_form(leader, url, {"reason": "For få søkere"}).status_code == 302
    db.expire_all()
    assert db.get(Cohort, cohort.id).state == "cancelled"


def test_decline_asks_first_keeps_the_reason_out_of_email_and_hides_it_unless_shown(
        as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    application = make_application(cohort, personas["resident"])
    db.commit()
    url = f"/leader/cohorts/{cohort.id}/applications/{application.id}/decline"
    leader = as_persona("course_leader")
    page = leader.get(url).get_data(as_text=True)
    assert "1 person får beskjed" in page and "Svar på søknaden din om kursplass" in page
    assert "aldri i e-posten" in page
    response = post_form(leader, url, {"reason": ""})
    assert response.status_code == 200 and "Skriv en kort begrunnelse for avslaget." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Application, application.id).state == "received"
    post_form(leader, url, {"reason": "Passer bedre hos fastlegen"})
    db.expire_all()
    declined = db.get(Application, application.id)
    assert (declined.state, declined.decline_reason_shown) == ("declined", False)
    assert "Passer bedre hos fastlegen" not in as_persona("resident").get("/courses/mine").get_data(as_text=True)


def test_a_session_cannot_be_moved_to_the_past(as_persona, personas, db, clock):
    cohort, _application = _cohort(db, personas)
    session = cohort.sessions[0]
    url = f"/leader/cohorts/{cohort.id}/sessions/{session.id}/move"
    response = post_form(as_persona("course_leader"), url, {"date": "2020-01-07", "time": "18:00"})
    assert "En samling kan ikke flyttes til et tidspunkt som har vært." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(CourseSession, session.id).local_date == session.local_date


def test_an_empty_waiting_list_is_plain_text_not_a_numbered_item(as_persona, personas, db, clock):
    cohort, _application = _cohort(db, personas)
    roster = as_persona("course_leader").get(f"/leader/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert '<p class="meta">Ingen på ventelisten.</p>' in roster
    assert '<li class="meta">Ingen på ventelisten.</li>' not in roster
