"""Applying again after withdrawing: a new application at the back of the queue, the earlier
one kept in the record; withdrawing and leaving a course ask first."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from selfhelp.content import get_catalogue
from selfhelp.courses.services import admission
from selfhelp.courses.models import Application
from selfhelp.measures.models import MeasureResult
from tests import factories
from tests.conftest import post_form
from tests.factories import make_application, make_cohort
from tests.courses.steps import ANSWERS, apply_in_steps

def _kid():
    return get_catalogue().courses["KiD"]


def test_a_withdrawn_applicant_can_apply_again_to_a_screened_cohort(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    db.commit()
    resident = as_persona("resident")
    page = f"/courses/{cohort.id}"
    apply_in_steps(resident, cohort.id, "Første gang", ANSWERS)
    first = db.scalar(select(Application))
    withdraw = f"/courses/applications/{first.id}/withdraw"
    post_form(resident, withdraw, {})
    assert "Trukket" in resident.get("/courses/mine").get_data(as_text=True)
    assert f'href="/courses/{cohort.id}/apply"' in resident.get(page).get_data(as_text=True)

    response = apply_in_steps(resident, cohort.id, "Andre gang", {**ANSWERS, "q1": "3"})
    assert response.headers["Location"].endswith(f"/courses/{cohort.id}/apply/sent")
    mine = resident.get("/courses/mine").get_data(as_text=True)
    assert "Du har allerede søkt" not in mine
    assert "Søknad mottatt" in mine and "Trukket" in mine

    db.expire_all()
    applications = db.scalars(select(Application).order_by(Application.id)).all()
    assert [(a.state, a.motivation) for a in applications] == [
        ("withdrawn", "Første gang"), ("received", "Andre gang")]
    old, new = (db.get(MeasureResult, a.screening_result_id) for a in applications)
    assert old.answers["q1"] == 1 and new.answers["q1"] == 3  # the earlier answers are kept
    assert old.id != new.id


def test_reapplying_goes_to_the_back_of_the_waiting_list(db, personas):
    cohort = make_cohort(leaders=[personas["course_leader"]], capacity=1, auto_admit=True)
    make_application(cohort, factories.make_resident())  # takes the only seat
    first, second = (make_application(cohort, factories.make_resident()) for _ in range(2))
    me = factories.make_resident()
    mine = make_application(cohort, me)
    assert admission.waitlist_positions(cohort.id)[mine.id] == 3
    now = datetime.now(timezone.utc)
    admission.withdraw(me, mine, _kid(), now)
    again = make_application(cohort, me)

    assert again.id != mine.id and again.state == "waitlisted"
    assert again.waitlist_ticket > second.waitlist_ticket > first.waitlist_ticket
    positions = admission.waitlist_positions(cohort.id)
    assert positions == {first.id: 1, second.id: 2, again.id: 3}
    db.refresh(mine)
    assert mine.state == "withdrawn"


def test_only_one_open_application_per_cohort(db, personas):
    cohort = make_cohort(leaders=[personas["course_leader"]])
    make_application(cohort, personas["resident"])
    with pytest.raises(admission.AdmissionError) as error:
        make_application(cohort, personas["resident"])
    assert error.value.code == "already_applied"


def test_withdrawing_asks_first_and_cancel_leaves_the_application(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    application = make_application(cohort, personas["resident"])
    db.commit()
    resident = as_persona("resident")
    mine = resident.get("/courses/mine").get_data(as_text=True)
    url = f"/courses/applications/{application.id}/withdraw"
    assert f'href="{url}"' in mine  # a link to the question, not a one-tap form
    page = resident.get(url).get_data(as_text=True)
    assert "Er du sikker?" in page and 'href="/courses/mine"' in page
    db.expire_all()
    assert db.get(Application, application.id).state == "received"
    post_form(resident, url, {})
    db.expire_all()
    assert db.get(Application, application.id).state == "withdrawn"


def test_leaving_a_course_says_the_place_goes_to_the_next_in_line(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14),
                         auto_admit=True)
    application = make_application(cohort, personas["resident"])
    db.commit()
    resident = as_persona("resident")
    url = f"/courses/applications/{application.id}/withdraw"
    page = resident.get(url).get_data(as_text=True)
    assert "Ja, meld meg av kurset" in page and "nestemann på ventelisten" in page
    response = post_form(resident, url, {})
    assert response.headers["Location"].endswith("/courses/mine")
    assert "Du har meldt deg av kurset." in resident.get("/courses/mine").get_data(as_text=True)


def test_a_closed_application_cannot_be_withdrawn_again(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    application = make_application(cohort, personas["resident"])
    admission.withdraw(personas["resident"], application, _kid(), datetime.now(timezone.utc))
    db.commit()
    response = as_persona("resident").get(f"/courses/applications/{application.id}/withdraw")
    assert response.status_code == 302
