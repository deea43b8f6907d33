"""Escalation with a frozen clock: an unacknowledged flag moves ONE step up the chain at its
escalation time, the new owner is told, and at team level the admins get one reminder every
working morning until someone follows it up."""
from __future__ import annotations

from datetime import date, timedelta

from selfhelp.care import services as care
from selfhelp.checkins import services as checkins
from selfhelp.content import get_catalogue
from selfhelp.measures.models import RiskFlag
from selfhelp.programs import services as programs
from tests import factories
from tests.care.helpers import raise_flag
from tests.notifications.scenario import oslo, run, run_every

START = date(2026, 3, 2)
TUESDAY = date(2026, 3, 10)
FLAG = "Viktig: et varsel i selfhelp trenger oppfølging"
ESCALATION = "Viktig: et varsel er ikke fulgt opp i tide"
REMINDER = "Påminnelse: åpne varsler venter på oppfølging"


def _staff(sent, personas):
    staff = {personas[k].email: k for k in ("guide", "course_leader", "admin")}
    return [(at, staff[to], subject) for at, to, subject in sent if to in staff]


def _guided_course_participant(db, personas):
    resident = personas["resident"]
    enrolment = programs.start_program(resident, get_catalogue().programs["depression"], oslo(START, 10))
    checkins.assign_guide(personas["admin"], enrolment, personas["guide"], oslo(START, 10))
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], auto_admit=True)
    factories.make_application(cohort, resident)
    db.commit()
    return cohort


def test_an_open_flag_climbs_guide_then_leaders_then_team_and_the_team_is_reminded_each_morning(
        app, db, clock, mailbox, personas):
    _guided_course_participant(db, personas)
    run(app, mailbox, oslo(START, 11))
    flag = raise_flag(db, personas["resident"], context="program:depression", at=oslo(TUESDAY, 10))
    sent = run_every(app, mailbox, oslo(TUESDAY, 10), oslo(TUESDAY + timedelta(days=2), 9),
                     step=timedelta(minutes=30))
    assert _staff(sent, personas) == [
        (oslo(TUESDAY, 10), "guide", FLAG),
        (oslo(TUESDAY, 11), "course_leader", ESCALATION),   # one working hour later: one step
        (oslo(TUESDAY, 12), "admin", ESCALATION),           # and one more: the team
        (oslo(TUESDAY + timedelta(days=1), 8), "admin", REMINDER),  # then once a working morning
        (oslo(TUESDAY + timedelta(days=2), 8), "admin", REMINDER)]
    flag = db.get(RiskFlag, flag.id)
    assert (flag.owner_level, flag.escalations, flag.first_owner_level) == ("team", 2, "guide")


def test_a_flag_without_leaders_goes_from_the_guide_straight_to_the_team(app, db, clock, mailbox, personas):
    enrolment = programs.start_program(personas["resident"], get_catalogue().programs["depression"],
                                       oslo(START, 10))
    checkins.assign_guide(personas["admin"], enrolment, personas["guide"], oslo(START, 10))
    db.commit()
    run(app, mailbox, oslo(START, 11))
    raise_flag(db, personas["resident"], context="program:depression", at=oslo(TUESDAY, 15, 30))
    sent = run_every(app, mailbox, oslo(TUESDAY, 15, 30), oslo(TUESDAY + timedelta(days=1), 9, 30))
    # Raised half an hour before the working day ends: the other half hour is the next morning.
    assert _staff(sent, personas) == [
        (oslo(TUESDAY, 15, 30), "guide", FLAG),
        (oslo(TUESDAY + timedelta(days=1), 8, 30), "admin", ESCALATION)]


def test_an_acknowledged_flag_climbs_no_further_and_the_reminders_stop(app, db, clock, mailbox, personas):
    _guided_course_participant(db, personas)
    run(app, mailbox, oslo(START, 11))
    flag = raise_flag(db, personas["resident"], context="program:depression", at=oslo(TUESDAY, 10))
    run_every(app, mailbox, oslo(TUESDAY, 10), oslo(TUESDAY, 11))
    flag = db.get(RiskFlag, flag.id)
    assert flag.owner_level == "course_leader"
    care.acknowledge(personas["course_leader"], flag, "called", "Ringte, avtalte time", oslo(TUESDAY, 11, 15))
    db.commit()
    assert _staff(run_every(app, mailbox, oslo(TUESDAY, 11, 30), oslo(TUESDAY + timedelta(days=1), 9)),
                  personas) == []


def test_running_the_planner_twice_never_moves_a_flag_two_steps(app, db, clock, mailbox, personas):
    _guided_course_participant(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression", at=oslo(TUESDAY, 10))
    at = oslo(TUESDAY, 11)
    run(app, mailbox, at)
    run(app, mailbox, at)
    flag = db.get(RiskFlag, flag.id)
    assert (flag.owner_level, flag.escalations) == ("course_leader", 1)


def test_an_unguided_applicant_s_flag_goes_to_the_leaders_first(app, db, clock, mailbox, personas):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    factories.make_application(cohort, personas["resident"])
    raise_flag(db, personas["resident"], context=f"cohort:{cohort.id}", occasion="screening",
               at=oslo(TUESDAY, 9))
    sent = run_every(app, mailbox, oslo(TUESDAY, 9), oslo(TUESDAY, 10, 30))
    assert _staff(sent, personas) == [(oslo(TUESDAY, 9), "course_leader", FLAG),
                                      (oslo(TUESDAY, 10), "admin", ESCALATION)]
