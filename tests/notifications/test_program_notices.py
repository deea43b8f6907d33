"""Program notices over a whole program: modules, weekly questionnaires, nudges, follow-ups."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from selfhelp.content import get_catalogue
from selfhelp.programs import services as programs
from tests.notifications.scenario import oslo, run

START = date(2026, 3, 2)  # a Monday
MODULE = "En ny del av programmet ditt er klar"
QUESTIONNAIRE = "Ukens spørreskjema er klart i selfhelp"
NUDGE = "Hei fra selfhelp"
FOLLOWUP = "Et kort oppfølgingsskjema venter i selfhelp"


def _daily(app, mailbox, first: date, last: date, hours=(9, 16)) -> list[tuple[date, str, str]]:
    """Rounds at the given Oslo hours every day: (day, to, subject) of each email."""
    sent, day = [], first
    while day <= last:
        for hour in hours:
            sent += [(day, to, subject) for to, subject in run(app, mailbox, oslo(day, hour))]
        day += timedelta(days=1)
    return sent


def _start(db, resident, at: datetime):
    enrolment = programs.start_program(resident, get_catalogue().programs["depression"], at)
    db.commit()
    return enrolment


def test_twelve_weeks_of_a_weekly_program(app, db, clock, mailbox, personas):
    resident = personas["resident"]
    enrolment = _start(db, resident, oslo(START, 10))
    enrolment.last_activity_at = oslo(START + timedelta(days=2), 15)  # Wednesday afternoon
    sent = _daily(app, mailbox, START, START + timedelta(weeks=12, days=-1))
    assert {to for _d, to, _s in sent} == {resident.email}
    mondays = [START + timedelta(weeks=w) for w in range(1, 12)]
    assert [(day, subject) for day, _to, subject in sent] == sorted(
        [(monday, MODULE) for monday in mondays[:7]]            # modules 2-8 open weekly
        + [(monday, QUESTIONNAIRE) for monday in mondays[7:]]  # then the questionnaire alone
        # 7 and 14 days after Wednesday's visit, then no more
        + [(date(2026, 3, 11), NUDGE), (date(2026, 3, 18), NUDGE)])


def test_a_visit_restarts_the_nudges(app, db, clock, mailbox, personas):
    enrolment = _start(db, personas["resident"], oslo(START, 10))
    enrolment.last_activity_at = oslo(START + timedelta(days=10), 20)  # Thursday 12 March 20:00
    sent = _daily(app, mailbox, date(2026, 3, 13), date(2026, 4, 8), hours=(9, 16, 20))
    nudges = [day for day, _to, subject in sent if subject == NUDGE]
    assert nudges == [date(2026, 3, 19), date(2026, 3, 26)]


def test_no_nudge_on_a_day_that_brings_a_module_anyway(app, db, clock, mailbox, personas):
    enrolment = _start(db, personas["resident"], oslo(START, 10))
    enrolment.last_activity_at = oslo(date(2026, 3, 16), 7)  # Monday: 7 and 14 days = Mondays
    sent = _daily(app, mailbox, date(2026, 3, 16), date(2026, 4, 8))
    assert [(day, subject) for day, _to, subject in sent] == [
        (date(2026, 3, 16), MODULE), (date(2026, 3, 23), MODULE), (date(2026, 3, 30), MODULE), (date(2026, 4, 6), MODULE)]


def test_no_notices_to_a_paused_resident_and_only_follow_ups_after_finishing(
        app, db, clock, mailbox, personas):
    paused = _start(db, personas["resident"], oslo(START, 10))
    finished = _start(db, personas["other_resident"], oslo(START, 10))
    programs.pause(paused, personas["guide"], START)
    finished.state, finished.finished_at = "finished", oslo(date(2026, 3, 20), 12)
    sent = _daily(app, mailbox, START, date(2026, 4, 20), hours=(12,))
    assert sent == []
    # Follow-ups 3 and 6 months after the day the program was finished (20 March).
    sent = _daily(app, mailbox, date(2026, 6, 19), date(2026, 6, 21), hours=(12,))
    sent += _daily(app, mailbox, date(2026, 9, 19), date(2026, 9, 21), hours=(12,))
    assert [(day, to, subject) for day, to, subject in sent] == [
        (date(2026, 6, 20), personas["other_resident"].email, FOLLOWUP),
        (date(2026, 9, 20), personas["other_resident"].email, FOLLOWUP)]


def test_a_pause_after_planning_stops_the_notice_at_sending(app, db, clock, mailbox, personas):
    enrolment = _start(db, personas["resident"], oslo(START, 10))
    monday = START + timedelta(weeks=1)
    app.test_cli_runner().invoke(args=["notifications", "plan", "--now", oslo(monday, 9).isoformat()])
    programs.pause(enrolment, personas["guide"], monday)
    assert run(app, mailbox, oslo(monday, 9, 1)) == []


def test_planning_twice_adds_each_notice_once_and_says_how_many(app, db, clock, personas):
    from selfhelp.notifications.planning import plan_everything

    _start(db, personas["resident"], oslo(START, 10))
    _start(db, personas["other_resident"], oslo(START, 10))
    monday = START + timedelta(weeks=1)
    assert plan_everything(oslo(monday, 9))["program notices"] == 2
    assert plan_everything(oslo(monday, 9, 5))["program notices"] == 0
