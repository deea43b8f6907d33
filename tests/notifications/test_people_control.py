"""Quiet hours, opt-outs, the daily digest and one-click unsubscribe, driven by the one-shot
command with a frozen clock."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from selfhelp.courses.services import cohorts as courses
from selfhelp.notifications.models import Notification, NotificationSettings
from selfhelp.notifications.services import enqueue
from tests import factories
from tests.notifications.scenario import oslo, run, run_every
from tests.smtp import text_of

MONDAY = date(2026, 3, 2)


def _message(resident, at: datetime, n: int = 1) -> None:
    enqueue(resident.id, "new_message", f"message:{n}", at, at, {})


def _settings(db, user, **values) -> None:
    db.add(NotificationSettings(user_id=user.id, **{
        "channel": "email", "muted": [], "daily_digest": False, "quiet_start_hour": 21,
        "quiet_end_hour": 8, **values}))
    db.commit()


def test_a_message_in_quiet_hours_waits_for_eight_in_the_morning(app, db, clock, mailbox, personas):
    resident = personas["resident"]
    _message(resident, oslo(MONDAY, 22, 30))
    sent = run_every(app, mailbox, oslo(MONDAY, 22, 30), oslo(MONDAY + timedelta(days=1), 9))
    assert [(at, subject) for at, _to, subject in sent] == [
        (oslo(MONDAY + timedelta(days=1), 8), "Du har en ny melding i selfhelp")]


def test_a_message_waiting_for_the_morning_is_already_in_the_centre(app, db, clock, mailbox, personas):
    from selfhelp.notifications import centre

    resident = personas["resident"]
    _message(resident, oslo(MONDAY, 22, 30))
    assert run(app, mailbox, oslo(MONDAY, 22, 30)) == []
    assert [centre.title_of(n, "nb") for n in centre.latest(resident.id)] == ["Du har en ny melding i selfhelp"]
    assert centre.unread_count(resident.id) == 1


def test_own_quiet_hours_are_respected_and_can_be_switched_off(app, db, clock, mailbox, personas):
    resident, other = personas["resident"], personas["other_resident"]
    _settings(db, resident, quiet_start_hour=18, quiet_end_hour=10)
    _settings(db, other, quiet_start_hour=0, quiet_end_hour=0)
    _message(resident, oslo(MONDAY, 19))
    _message(other, oslo(MONDAY, 19))
    sent = run_every(app, mailbox, oslo(MONDAY, 19), oslo(MONDAY + timedelta(days=1), 11))
    assert [(at, to) for at, to, _s in sent] == [
        (oslo(MONDAY, 19), other.email),
        (oslo(MONDAY + timedelta(days=1), 10), resident.email)]


def _tomorrow_session(personas, first: date):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], first_date=first,
                                   auto_admit=True)
    factories.make_application(cohort, personas["resident"])
    return cohort


def test_a_change_to_a_session_less_than_24_hours_away_ignores_quiet_hours(
        app, db, clock, mailbox, personas):
    day = date(2026, 3, 16)
    cohort = _tomorrow_session(personas, day)
    run(app, mailbox, oslo(MONDAY, 12))  # admission
    late_evening = oslo(day - timedelta(days=1), 22, 15)  # session tomorrow 18:00: < 24 h
    courses.cancel_session(personas["course_leader"], cohort, cohort.sessions[0], "Kurslederen er borte", late_evening)
    assert run(app, mailbox, late_evening) == [
        (personas["resident"].email, "En samling er avlyst")]


def test_a_change_further_ahead_waits_for_the_morning(app, db, clock, mailbox, personas):
    day = date(2026, 3, 23)
    cohort = _tomorrow_session(personas, day)
    run(app, mailbox, oslo(MONDAY, 12))
    late_evening = oslo(day - timedelta(days=3), 22, 15)
    courses.cancel_session(personas["course_leader"], cohort, cohort.sessions[0], "Kurslederen er borte", late_evening)
    sent = run_every(app, mailbox, late_evening, oslo(day - timedelta(days=2), 8, 30),
                     step=timedelta(minutes=15))
    assert [at for at, _to, _s in sent] == [oslo(day - timedelta(days=2), 8)]


def test_a_muted_topic_is_not_emailed_but_shows_in_the_centre(app, db, clock, mailbox, personas):
    resident = personas["resident"]
    _settings(db, resident, muted=["messages"])
    _message(resident, oslo(MONDAY, 10))
    assert run(app, mailbox, oslo(MONDAY, 10)) == []
    [row] = db.query(Notification).filter_by(recipient_id=resident.id).all()
    from selfhelp.notifications.centre import title_of

    assert (row.state, row.channel, title_of(row, "nb")) == ("sent", "in_app", "Du har en ny melding i selfhelp")


def test_session_changes_cannot_be_muted(app, db, clock, mailbox, personas):
    resident = personas["resident"]
    _settings(db, resident, muted=["session_changes", "course_places"], channel="in_app")
    cohort = _tomorrow_session(personas, date(2026, 3, 16))
    courses.cancel_session(personas["course_leader"], cohort, cohort.sessions[0], "Kurslederen er borte", oslo(MONDAY, 10))
    subjects = [s for _to, s in run(app, mailbox, oslo(MONDAY, 10))]
    assert subjects == ["En samling er avlyst"]  # admission muted, change not


def test_the_daily_digest_collects_the_day_into_one_email_at_eight(app, db, clock, mailbox, personas):
    resident = personas["resident"]
    _settings(db, resident, daily_digest=True)
    for n, hour in enumerate((10, 13, 20), start=1):
        _message(resident, oslo(MONDAY, hour), n)
    sent = run_every(app, mailbox, oslo(MONDAY, 9), oslo(MONDAY + timedelta(days=1), 12))
    assert [(at, subject) for at, _to, subject in sent] == [
        (oslo(MONDAY + timedelta(days=1), 8), "Du har 3 nye varsler i selfhelp")]
    # Something after today's digest waits for tomorrow's; a session reminder never waits.
    _message(resident, oslo(MONDAY + timedelta(days=1), 12), 4)
    sent = run_every(app, mailbox, oslo(MONDAY + timedelta(days=1), 12), oslo(MONDAY + timedelta(days=2), 9))
    assert [(at, subject) for at, _to, subject in sent] == [
        (oslo(MONDAY + timedelta(days=2), 8), "Du har 1 nye varsler i selfhelp")]


def test_one_click_unsubscribe_mutes_the_topic(app, db, clock, mailbox, personas, client):
    resident = personas["resident"]
    _message(resident, oslo(MONDAY, 10))
    run(app, mailbox, oslo(MONDAY, 10))
    [mail] = mailbox.messages
    link = mail["List-Unsubscribe"].strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in text_of(mail)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200  # a link checker opening it changes nothing
    assert db.get(NotificationSettings, resident.id) is None
    # The mail program posts without a CSRF token (RFC 8058): the signed link is the key.
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.expire_all()
    assert db.get(NotificationSettings, resident.id).muted == ["messages"]
    _message(resident, oslo(MONDAY, 11), 2)
    assert run(app, mailbox, oslo(MONDAY, 11)) == []


def test_a_forged_unsubscribe_link_is_refused(app, db, client, personas):
    from selfhelp.notifications.preferences import unsubscribe_token

    with app.test_request_context():
        good = unsubscribe_token(personas["resident"].id, "messages")
        locked = unsubscribe_token(personas["resident"].id, "session_changes")
    assert client.post(f"/unsubscribe/{good[:-2]}xx").status_code == 404
    assert client.post(f"/unsubscribe/{locked}").status_code == 404  # cannot be turned off
    assert db.get(NotificationSettings, personas["resident"].id) is None
