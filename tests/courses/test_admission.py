"""Eligibility, guardian consent, admission and the waiting list."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from selfhelp.content import get_catalogue
from selfhelp.courses.services import admission
from selfhelp.courses.models import Application, Cohort
from selfhelp.notifications.models import Notification
from tests import factories
from tests.factories import make_application, make_cohort

NOW = datetime.now(timezone.utc)


def _course(code):
    return get_catalogue().courses[code]


def _kid(personas, **kw):
    return make_cohort(leaders=[personas["course_leader"]], **kw)


def _du(db, personas, **kw):
    second = factories.make_staff(roles=["course_leader"], qualifications=["du_leader"])
    return make_cohort(leaders=[personas["course_leader"], second], course="DU", **kw)


@pytest.mark.parametrize("age, problems", [(17, ["too_young"]), (18, []), (80, [])])
def test_kid_is_for_adults(db, personas, age, problems):
    cohort = _kid(personas)
    resident = _aged(cohort, age)
    assert admission.eligibility_problems(resident, cohort, _course("KiD"), NOW.date()) == problems


def test_du_is_for_fourteen_to_twenty(db, personas):
    cohort = _du(db, personas)
    day = cohort.first_date
    for age, expected in ((13, ["too_young"]), (14, []), (20, []), (21, ["too_old"])):
        resident = factories.make_resident()
        resident.birth_date = day.replace(year=day.year - age)
        assert admission.eligibility_problems(resident, cohort, _course("DU"), NOW.date()) == expected, age


def test_a_fifteen_year_old_cannot_join_kid(db, personas):
    cohort = _kid(personas)
    youth = _aged(cohort, 15)
    with pytest.raises(admission.AdmissionError) as error:
        make_application(cohort, youth)
    assert error.value.code == "too_young"


def test_residents_of_other_municipalities_only_where_the_cohort_is_open(db, personas):
    closed = _kid(personas)
    open_ = _kid(personas, open_to_other_municipalities=True)
    bergen = factories.make_resident(municipality=factories.OTHER_MUNICIPALITY)
    assert "other_municipality" in admission.eligibility_problems(bergen, closed, _course("KiD"), NOW.date())
    assert admission.eligibility_problems(bergen, open_, _course("KiD"), NOW.date()) == []


def test_under_sixteen_needs_guardian_consent_before_admission(db, personas):
    cohort = _du(db, personas)
    youth = _aged(cohort, 15)
    with pytest.raises(admission.AdmissionError) as error:
        make_application(cohort, youth)
    assert error.value.code == "guardian_missing"
    application = make_application(cohort, youth, guardian_name="Mor Berg", guardian_contact="900 00 000")
    with pytest.raises(admission.AdmissionError) as error:
        admission.admit(personas["course_leader"], application, _course("DU"), NOW)
    assert error.value.code == "guardian_missing"
    admission.confirm_guardian(personas["course_leader"], application, _course("DU"), NOW)
    assert admission.admit(personas["course_leader"], application, _course("DU"), NOW) == "admitted"


def test_sixteen_year_olds_need_no_guardian(db, personas):
    cohort = _du(db, personas)
    application = make_application(cohort, _aged(cohort, 16))
    assert admission.admit(personas["course_leader"], application, _course("DU"), NOW) == "admitted"


def _aged(cohort, age):
    """A resident who is `age` on the day of the cohort's first session."""
    resident = factories.make_resident()
    day = cohort.first_date
    resident.birth_date = day.replace(year=day.year - age, day=1)
    return resident


def _fill(db, cohort, n):
    people = [make_application(cohort, factories.make_resident()) for _ in range(n)]
    db.flush()
    return people


def test_a_full_cohort_puts_new_applicants_on_the_waiting_list_in_order(db, personas):
    cohort = _kid(personas, capacity=2, auto_admit=True)
    first, second, third, fourth = _fill(db, cohort, 4)
    db.refresh(cohort)
    assert [a.state for a in (first, second, third, fourth)] == ["admitted", "admitted", "waitlisted", "waitlisted"]
    assert cohort.seats_taken == 2
    assert admission.waitlist_positions(cohort.id) == {third.id: 1, fourth.id: 2}


def test_a_withdrawal_gives_the_seat_to_the_first_on_the_list(db, personas):
    cohort = _kid(personas, capacity=2, auto_admit=True)
    first, _second, third, fourth = _fill(db, cohort, 4)
    admission.withdraw(first.resident, first, _course("KiD"), NOW)
    db.refresh(third)
    db.refresh(cohort)
    assert third.state == "admitted" and third.offered_at is not None
    assert cohort.seats_taken == 2
    assert admission.waitlist_positions(cohort.id) == {fourth.id: 1}
    offer = db.scalar(select(Notification).where(Notification.kind == "course_waitlist_offer"))
    assert offer.recipient_id == third.resident_id


def test_declining_an_admitted_participant_promotes_and_a_leader_admit_on_a_full_cohort_waitlists(db, personas):
    cohort = _kid(personas, capacity=1)
    a, b = _fill(db, cohort, 2)
    leader = personas["course_leader"]
    assert admission.admit(leader, a, _course("KiD"), NOW) == "admitted"
    assert admission.admit(leader, b, _course("KiD"), NOW) == "waitlisted"
    admission.decline(leader, a, "Passer bedre i et annet tilbud", _course("KiD"), NOW)
    db.refresh(b)
    assert b.state == "admitted"
    assert db.scalar(select(Cohort.seats_taken).where(Cohort.id == cohort.id)) == 1


def test_promotion_skips_a_youth_without_guardian_consent(db, personas):
    cohort = _du(db, personas, capacity=1, auto_admit=True)
    holder = make_application(cohort, _aged(cohort, 18))
    youth = make_application(cohort, _aged(cohort, 15), guardian_name="Far", guardian_contact="x")
    adult = make_application(cohort, _aged(cohort, 17))
    assert (holder.state, youth.state, adult.state) == ("admitted", "waitlisted", "waitlisted")
    admission.withdraw(holder.resident, holder, _course("DU"), NOW)
    db.refresh(youth), db.refresh(adult)
    assert adult.state == "admitted" and youth.state == "waitlisted"


def test_notices_are_recorded_once_per_event(db, personas):
    cohort = _kid(personas, capacity=5)
    application = make_application(cohort, factories.make_resident())
    leader = personas["course_leader"]
    admission.invite_to_pretalk(leader, application, NOW, "Ring meg", NOW)
    admission.admit(leader, application, _course("KiD"), NOW)
    kinds = sorted(n.kind for n in db.scalars(select(Notification)))
    assert kinds == ["course_admitted", "course_pretalk"]


def test_applying_twice_is_refused(db, personas):
    cohort = _kid(personas)
    resident = factories.make_resident()
    make_application(cohort, resident)
    with pytest.raises(admission.AdmissionError) as error:
        make_application(cohort, resident)
    assert error.value.code == "already_applied"
    assert len(db.scalars(select(Application)).all()) == 1


def test_incomplete_screening_answers_leave_no_application_and_no_seat(db, personas):
    from selfhelp.measures.definitions import get_measure
    from selfhelp.measures.scoring import IncompleteAnswers

    cohort = _kid(personas, capacity=1, auto_admit=True)
    with pytest.raises(IncompleteAnswers):
        admission.apply_with_screening(
            personas["resident"], cohort, _course("KiD"), admission.ApplicationForm("Jeg vil lære"),
            get_measure("PHQ-9"), {"q1": "1"}, NOW)
    db.commit()
    assert db.scalars(select(Application)).all() == []
    assert db.scalar(select(Cohort.seats_taken).where(Cohort.id == cohort.id)) == 0


def test_applying_with_complete_screening_stores_both_and_takes_the_seat(db, personas):
    from selfhelp.measures.definitions import get_measure

    cohort = _kid(personas, capacity=1, auto_admit=True)
    application, answered = admission.apply_with_screening(
        personas["resident"], cohort, _course("KiD"), admission.ApplicationForm("Jeg vil lære"),
        get_measure("PHQ-9"), {f"q{i}": "0" for i in range(1, 10)}, NOW)
    db.commit()
    assert application.screening_result_id == answered.result.id and answered.flags == []
    assert (application.state, db.scalar(select(Cohort.seats_taken).where(Cohort.id == cohort.id))) == (
        "admitted", 1)


def test_a_leaders_decision_is_audited_by_the_service_itself(db, personas):
    """Not only from the leader's page: a decision made from the CLI or a job is audited too."""
    from selfhelp.audit.models import AuditEvent

    cohort = _kid(personas)
    application = make_application(cohort, personas["resident"])
    admission.admit(personas["course_leader"], application, _course("KiD"), NOW)
    events = db.scalars(select(AuditEvent)).all()
    assert [(e.actor_id, e.role, e.resident_id, e.what, e.action, e.record_id) for e in events] == [
        (personas["course_leader"].id, "course_leader", personas["resident"].id, "course_application",
         "change", application.id)]

