"""Course reminders: the same wall-clock time the day before, once, across both DST changes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from selfhelp.courses.services import cohorts as courses
from tests import factories
from tests.notifications.scenario import oslo, run, run_every


def _admitted_cohort(personas, first: date, **fields):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], first_date=first,
                                   auto_admit=True, **fields)
    application = factories.make_application(cohort, personas["resident"])
    assert application.state == "admitted"
    return cohort


@pytest.mark.parametrize("session_day, expected_utc", [
    # Sunday 29 March 2026: clocks go forward at 02:00. 18:00 CEST = 16:00 UTC; the reminder is
    # at 18:00 CET on Saturday = 17:00 UTC, 23 hours before.
    (date(2026, 3, 29), datetime(2026, 3, 28, 17, 0, tzinfo=timezone.utc)),
    # Sunday 25 October 2026: clocks go back at 03:00. 18:00 CET = 17:00 UTC; the reminder is
    # at 18:00 CEST on Saturday = 16:00 UTC, 25 hours before.
    (date(2026, 10, 25), datetime(2026, 10, 24, 16, 0, tzinfo=timezone.utc)),
    # An ordinary week: 24 hours.
    (date(2026, 5, 10), datetime(2026, 5, 9, 16, 0, tzinfo=timezone.utc)),
])
def test_an_18_00_session_is_reminded_at_18_00_local_the_day_before(
        app, db, clock, mailbox, personas, session_day, expected_utc):
    clock.move_to(datetime.combine(session_day - timedelta(days=20), datetime.min.time(),
                                   tzinfo=timezone.utc))
    _admitted_cohort(personas, session_day)
    run(app, mailbox, oslo(session_day - timedelta(days=20), 12))  # admission email goes first
    sent = run_every(app, mailbox, expected_utc - timedelta(hours=3),
                     expected_utc + timedelta(hours=30), step=timedelta(minutes=15))
    assert [(at, subject) for at, _to, subject in sent] == [
        (expected_utc, "Påminnelse: kurs i morgen kl. 18.00")]
    assert sent[0][1] == personas["resident"].email


def test_two_hour_reminder_when_the_cohort_asks_for_it_and_nothing_twice(
        app, db, clock, mailbox, personas):
    day = date(2026, 3, 16)
    _admitted_cohort(personas, day, remind_two_hours=True)
    run(app, mailbox, oslo(date(2026, 3, 2), 12))
    sent = run_every(app, mailbox, oslo(day - timedelta(days=1), 17), oslo(day, 19))
    assert [(at, subject) for at, _to, subject in sent] == [
        (oslo(day - timedelta(days=1), 18), "Påminnelse: kurs i morgen kl. 18.00"),
        (oslo(day, 16), "Påminnelse: kurs i dag kl. 18.00"),
    ]


def test_a_moved_session_is_reminded_at_its_new_time_only(app, db, clock, mailbox, personas):
    day = date(2026, 3, 16)
    cohort = _admitted_cohort(personas, day)
    run(app, mailbox, oslo(date(2026, 3, 2), 12))
    session = cohort.sessions[0]
    from datetime import time

    courses.move_session(personas["course_leader"], cohort, session, day + timedelta(days=1),
                         time(17, 0), datetime(2026, 3, 2, 12, tzinfo=timezone.utc))
    run(app, mailbox, oslo(date(2026, 3, 2), 14))  # the "moved" notice
    sent = run_every(app, mailbox, oslo(day - timedelta(days=1), 17), oslo(day + timedelta(days=1), 18))
    assert [(at, subject) for at, _to, subject in sent] == [
        (oslo(day, 17), "Påminnelse: kurs i morgen kl. 17.00")]


def test_no_reminder_for_a_cancelled_session_or_a_withdrawn_participant(
        app, db, clock, mailbox, personas):
    day = date(2026, 3, 16)
    cohort = _admitted_cohort(personas, day)
    courses.cancel_session(personas["course_leader"], cohort, cohort.sessions[0], "Kurslederen er borte",
                           datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    run(app, mailbox, oslo(date(2026, 3, 2), 12))
    sent = run_every(app, mailbox, oslo(day - timedelta(days=1), 17), oslo(day, 19),
                     step=timedelta(hours=1))
    assert sent == []
