"""Course pages end to end through HTTP: a leader plans, publishes and runs a cohort; residents
find it, apply, follow their status and subscribe to the calendar."""
import csv
import io
import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.courses.models import Application, Attendance, Cohort, CourseSession
from selfhelp.notifications.models import Notification
from tests import factories
from tests.conftest import post_form
from tests.factories import make_application, make_cohort
from tests.courses.steps import apply_in_steps

PLAN = {"course": "KiD", "municipality": "3301", "first_date": "2026-04-14", "start_time": "18:00",
        "capacity": "10", "application_deadline": "2026-04-01", "place": "Biblioteket, Drammen",
        "room": "Møterom 2", "skip_dates": ""}


def _leader_form(personas, **changes):
    return {**PLAN, "leaders": [str(personas["course_leader"].id)], **changes}


def test_leader_plans_a_cohort_sees_the_schedule_and_publishes(as_persona, personas, db, clock):
    leader = as_persona("course_leader")
    response = post_form(leader, "/leader/cohorts/new", _leader_form(personas, skip_dates="12.05.2026"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    cohort = db.scalar(select(Cohort))
    assert cohort.state == "draft" and len(cohort.sessions) == 10
    html = leader.get(f"/leader/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Utkast" in html and "kl. 18.00" in html
    # 12 May's week is removed and 14 May is Ascension Day: session 5 moves from 12 May to 19 May.
    dates = [s.local_date for s in cohort.sessions]
    assert date(2026, 5, 12) not in dates and dates[4] == date(2026, 5, 19)
    assert all(s.start_time.strftime("%H:%M") == "18:00" for s in cohort.sessions)
    resident = as_persona("resident")
    assert f"/courses/{cohort.id}" not in resident.get("/courses/").get_data(as_text=True)
    post_form(leader, f"/leader/cohorts/{cohort.id}/publish", {}, page=f"/leader/cohorts/{cohort.id}")
    assert f"/courses/{cohort.id}" in resident.get("/courses/").get_data(as_text=True)


def test_bad_cohort_input_keeps_the_form_with_messages(as_persona, personas, db, clock):
    html = post_form(as_persona("course_leader"), "/leader/cohorts/new", _leader_form(
        personas, first_date="2026-02-01", application_deadline="31.13.2026", capacity="abc",
        place="")).get_data(as_text=True)
    assert "Skriv datoen som dag.måned.år" in html
    assert 'value="Møterom 2"' in html
    assert db.scalar(select(Cohort)) is None


def test_du_needs_two_qualified_leaders(as_persona, personas, db, clock):
    html = post_form(as_persona("course_leader"), "/leader/cohorts/new",
                     _leader_form(personas, course="DU", capacity="8")).get_data(as_text=True)
    assert "Dette kurset trenger flere kursledere." in html


def test_resident_applies_with_screening_and_sees_the_status(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    db.commit()
    resident = as_persona("resident")
    response = apply_in_steps(resident, cohort.id, "Komme meg ut av sengen")
    assert response.headers["Location"].endswith(f"/courses/{cohort.id}/apply/sent")
    assert "Søknad mottatt" in resident.get("/courses/mine").get_data(as_text=True)
    application = db.scalar(select(Application))
    assert application.screening_result_id is not None
    assert application.motivation == "Komme meg ut av sengen"


def test_leader_admits_and_the_resident_gets_schedule_link_and_calendar(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), online=True,
                         video_link="https://video.example.com/kid")
    application = make_application(cohort, personas["resident"])
    db.commit()
    leader = as_persona("course_leader")
    detail = f"/leader/cohorts/{cohort.id}/applications/{application.id}"
    assert "Jeg vil lære å mestre hverdagen" in leader.get(detail).get_data(as_text=True)
    post_form(leader, detail + "/admit", {}, page=detail)
    resident = as_persona("resident")
    html = resident.get("/courses/mine").get_data(as_text=True)
    assert "Tatt opp" in html and "https://video.example.com/kid" in html
    db.expire_all()
    token = db.get(Application, application.id).calendar_token
    feed = resident.get(f"/courses/calendar/{token}.ics")
    events = [e for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert len(events) == 10
    first = min(e.decoded("DTSTART") for e in events)
    assert (first.hour, first.minute, str(first.tzinfo)) == (18, 0, "Europe/Oslo")
    assert "depresjon" not in feed.get_data(as_text=True).lower()  # no health details in calendars
    other = as_persona("other_resident")
    assert "video.example.com" not in other.get(f"/courses/{cohort.id}").get_data(as_text=True)


def test_moving_a_session_notifies_participants_and_updates_the_calendar(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), auto_admit=True)
    application = make_application(cohort, personas["resident"])
    db.commit()
    session = cohort.sessions[2]
    leader = as_persona("course_leader")
    url = f"/leader/cohorts/{cohort.id}/sessions/{session.id}/move"
    response = post_form(leader, url, {"date": "2026-05-01", "time": "17:30"})
    assert response.status_code == 302
    db.expire_all()
    moved = db.get(CourseSession, session.id)
    assert (moved.local_date, moved.start_time.strftime("%H:%M"), moved.sequence) == (date(2026, 5, 1), "17:30", 1)
    assert moved.starts_at.hour == 15  # 17:30 CEST
    notice = db.scalar(select(Notification).where(Notification.kind == "session_moved"))
    assert notice.recipient_id == personas["resident"].id
    feed = as_persona("resident").get(f"/courses/calendar/{application.calendar_token}.ics")
    event = next(e for e in Calendar.from_ical(feed.data).walk("VEVENT")
                 if str(e["UID"]) == f"course-session-{session.id}@selfhelp")
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART").hour == 17
    post_form(leader, f"/leader/cohorts/{cohort.id}/sessions/{cohort.sessions[3].id}/cancel", {"reason": "Kurslederen er syk"},
              page=f"/leader/cohorts/{cohort.id}")
    feed = as_persona("resident").get(f"/courses/calendar/{application.calendar_token}.ics")
    assert "STATUS:CANCELLED" in feed.get_data(as_text=True)


def test_attendance_roster_export_and_notes(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), auto_admit=True)
    application = make_application(cohort, personas["resident"])
    db.commit()
    leader = as_persona("course_leader")
    url = f"/leader/cohorts/{cohort.id}/sessions/{cohort.sessions[0].id}/attendance"
    post_form(leader, url, {f"a-{application.id}": "notified"})
    assert db.scalar(select(Attendance.status)) == "notified"
    roster = leader.get(f"/leader/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert "Meldt fravær" in roster and "Rita Resident" in roster
    post_form(leader, f"/leader/cohorts/{cohort.id}/roster", {"text": "Rita vil helst sitte ved døra"})
    assert "Rita vil helst sitte ved døra" in leader.get(f"/leader/cohorts/{cohort.id}/roster").get_data(as_text=True)
    csv = leader.get(f"/leader/cohorts/{cohort.id}/roster.csv")
    assert "Rita Resident" in csv.get_data(as_text=True) and csv.mimetype == "text/csv"
    actions = {(e.what, e.action) for e in db.scalars(select(AuditEvent).where(
        AuditEvent.resident_id == personas["resident"].id))}
    assert {("cohort_roster", "view"), ("cohort_roster", "export"), ("attendance", "change")} <= actions


@pytest.mark.parametrize("name", ["=HYPERLINK(\"https://example.org\";\"Klikk\")", "+47 cmd", "-2+3",
                                  "@SUM(A1:A9)"])
def test_a_roster_name_that_starts_like_a_formula_is_exported_as_text(as_persona, personas, db,
                                                                      clock, name):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), auto_admit=True)
    make_application(cohort, factories.make_resident(name=name))
    db.commit()
    body = as_persona("course_leader").get(f"/leader/cohorts/{cohort.id}/roster.csv").get_data(as_text=True)
    header, row = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert header[0] == "Navn" and row[0] == "'" + name


def test_leaders_of_other_cohorts_see_nothing(as_persona, personas, db, clock):
    other_leader = factories.make_staff(roles=["course_leader"], qualifications=["kid_leader"])
    cohort = make_cohort(leaders=[other_leader], first_date=date(2026, 4, 14))
    application = make_application(cohort, personas["resident"])
    db.commit()
    leader = as_persona("course_leader")
    for path in (f"/leader/cohorts/{cohort.id}", f"/leader/cohorts/{cohort.id}/roster",
                 f"/leader/cohorts/{cohort.id}/applications/{application.id}"):
        assert leader.get(path).status_code == 404, path


def test_viewing_an_application_is_audited(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    application = make_application(cohort, personas["resident"])
    db.commit()
    as_persona("course_leader").get(f"/leader/cohorts/{cohort.id}/applications/{application.id}")
    event = db.scalar(select(AuditEvent))
    assert (event.actor_id, event.resident_id, event.what, event.action, event.role) == (
        personas["course_leader"].id, personas["resident"].id, "course_application", "view", "course_leader")


def test_withdrawing_frees_the_seat_for_the_waiting_list(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14), capacity=1,
                         auto_admit=True)
    mine = make_application(cohort, personas["resident"])
    theirs = make_application(cohort, personas["other_resident"])
    db.commit()
    other = as_persona("other_resident")
    assert "På venteliste nr. 1" in other.get("/courses/mine").get_data(as_text=True)
    post_form(as_persona("resident"), f"/courses/applications/{mine.id}/withdraw", {})
    assert "Tatt opp" in other.get("/courses/mine").get_data(as_text=True)
    db.expire_all()
    assert db.get(Application, theirs.id).state == "admitted"


def test_outcome_questionnaire_is_due_from_the_first_session(as_persona, personas, db, clock):
    cohort = make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 3, 3), auto_admit=True,
                         application_deadline=date(2026, 3, 2))
    make_application(cohort, personas["resident"])
    db.commit()
    resident = as_persona("resident")
    assert "session-1" not in resident.get("/courses/mine").get_data(as_text=True)
    clock.move_to("2026-03-03T17:00:00+00:00")
    html = resident.get("/courses/mine").get_data(as_text=True)
    link = re.search(r'href="(/courses/applications/\d+/questionnaires/PHQ-9/session-1)"', html).group(1)
    response = post_form(resident, link, {f"q{i}": "0" for i in range(1, 10)})
    assert response.headers["Location"].endswith("/courses/mine")
    assert "session-1" not in resident.get("/courses/mine").get_data(as_text=True)


def test_the_leader_choices_name_the_courses_each_leader_may_lead(db, personas, app):
    from selfhelp.courses import forms
    from selfhelp.courses.queries import cohort_form_choices
    from tests import factories

    factories.make_staff(roles=["course_leader"], name="Uten Kurs", qualifications=[])
    db.commit()
    with app.test_request_context():
        form = forms.CohortForm(meta={"csrf": False})
        cohort_form_choices(form, personas["course_leader"])
    labels = dict(form.leaders.choices).values()
    assert "Uten Kurs – ingen kurs i lederregisteret" in labels
    assert any(label.startswith(personas["course_leader"].shown_name + " – leder ") for label in labels)
    assert not [label for label in labels if "(" in label]
