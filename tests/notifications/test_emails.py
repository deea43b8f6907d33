"""What the emails say: no course name, diagnosis or score; times in Oslo wall-clock time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from selfhelp.accounts.municipalities import municipality_name
from selfhelp.content import get_catalogue
from selfhelp.courses.services import cohorts as services
from selfhelp.notifications.delivery import send_due
from selfhelp.notifications.registry import registry
from tests import factories
from tests.notifications.conftest import NOW, fresh, notify
from tests.smtp import text_of
from tests.test_date_style import problems_in, visible_text

COURSE_KINDS = ("course_admitted", "course_declined", "course_pretalk", "course_waitlist_offer",
                "session_moved", "session_cancelled", "cohort_cancelled")
MOTIVATION = "Jeg er deprimert og sover dårlig"


def _whole(msg) -> str:
    html = msg.get_body(preferencelist=("html",)).get_content()
    return f"{msg['Subject']}\n{text_of(msg)}\n{html}"


def _forbidden() -> list[str]:
    """Words that would tell a reader of the inbox which course, diagnosis or score it is about."""
    words = ["depresjon", "depression", "deprimert", "belastning", "strain", "PHQ", "GAD", "poeng",
             "score", MOTIVATION]
    for course in get_catalogue().courses.values():
        words += list(course.name.values())
        words += [title for s in course.sessions for title in s.title.values()]
    return words


@pytest.fixture
def courses(db, clock, resident):
    """A KiD cohort starting Monday 9 March 2026 18:00 (winter time) and a KiB cohort."""
    leader = factories.make_staff(roles=["course_leader"],
                                 qualifications=["kid_leader", "kib_leader"])
    kid = factories.make_cohort(leaders=[leader], course="KiD", first_date=date(2026, 3, 9))
    kib = factories.make_cohort(leaders=[leader], course="KiB", first_date=date(2026, 4, 13))
    factories.make_application(kid, resident, motivation=MOTIVATION)
    db.commit()
    return leader, kid, kib


def test_every_kind_has_a_builder_and_templates(app):
    for kind in (*COURSE_KINDS, "new_message", "session_reminder"):
        assert kind in registry().builders
        for ext in ("subject", "txt", "html"):
            app.jinja_env.get_template(f"emails/{kind}.{ext}")


def test_no_email_names_the_course_a_diagnosis_or_a_score_and_times_are_oslo_time(
        db, clock, mailbox, resident, courses):
    leader, kid, kib = courses
    first, second = kid.sessions[0], kid.sessions[1]
    assert first.starts_at == datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc)  # 18:00 CET
    services.move_session(leader, kid, first, date(2026, 6, 8), time(18, 0), NOW)
    assert first.starts_at == datetime(2026, 6, 8, 16, 0, tzinfo=timezone.utc)  # 18:00 CEST
    services.cancel_session(leader, kid, second, "Kurslederen er borte", NOW)
    db.commit()
    contexts = {
        "course_admitted": {"cohort_id": kid.id},
        "course_waitlist_offer": {"cohort_id": kid.id},
        "course_declined": {"cohort_id": kid.id},
        "course_pretalk": {"cohort_id": kid.id, "when": "2026-06-10T16:30:00+00:00"},
        "session_moved": {"cohort_id": kid.id, "session_id": first.id},
        "session_cancelled": {"cohort_id": kid.id, "session_id": second.id},
        "cohort_cancelled": {"cohort_id": kib.id},
        "new_message": {},
    }
    occurrences = {"session_moved": f"session:{first.id}:v{first.sequence}",
                   "session_cancelled": f"session:{second.id}:v{second.sequence}"}
    rows = {kind: notify(resident, kind, context=context, occurrence=occurrences.get(kind))
            for kind, context in contexts.items()}
    assert send_due(NOW, worker="w").sent == len(contexts)
    mails = {m["Subject"]: _whole(m) for m in mailbox.messages}
    by_kind = {kind: next(body for body in mails.values()
                          if body.startswith(fresh_subject(kind))) for kind in rows}
    for kind, body in by_kind.items():
        lowered = body.lower()
        for word in _forbidden():
            assert word.lower() not in lowered, (kind, word)
        assert "http://localhost/" in body, kind
        assert "Rita" in body, kind
        assert not problems_in(visible_text(body)), (kind, problems_in(visible_text(body)))
        # Who writes: the resident's municipality, in the HTML header and the text's greeting.
        assert body.count(f"{municipality_name(resident.municipality_code)} kommune") >= 2, kind

    # The first session moved to June and the second cancelled: the next one is 23 March. Every
    # time is 18:00 on the clock in Oslo, in winter (UTC+1) and in summer (UTC+2).
    assert "mandag 23. mars 2026 kl. 18.00" in by_kind["course_admitted"]
    assert "Ny tid: mandag 8. juni 2026 kl. 18.00" in by_kind["session_moved"]
    assert "mandag 9. mars 2026" in by_kind["session_moved"]  # where it was moved from
    assert "mandag 16. mars 2026 kl. 18.00 er avlyst" in by_kind["session_cancelled"]
    assert "onsdag 10. juni 2026 kl. 18.30" in by_kind["course_pretalk"]
    assert "mandag 13. april 2026" in by_kind["cohort_cancelled"]
    assert "http://localhost/messages" in by_kind["new_message"]
    assert "http://localhost/courses/mine" in by_kind["course_admitted"]


def fresh_subject(kind: str) -> str:
    return {
        "course_admitted": "Du har fått plass på kurset",
        "course_waitlist_offer": "Du har fått plass fra ventelisten",
        "course_declined": "Svar på søknaden din om kursplass",
        "course_pretalk": "Invitasjon til en samtale før kurset",
        "session_moved": "Samlingen er flyttet",
        "session_cancelled": "En samling er avlyst",
        "cohort_cancelled": "Kurset er avlyst",
        "new_message": "Du har en ny melding i selfhelp",
    }[kind]


# Session 3 on 23 March is in winter time (UTC+1), session 7 on 20 April in summer time (UTC+2).
@pytest.mark.parametrize("session_index, utc_hour", [(2, 17), (6, 16)])
def test_the_reminder_says_tomorrow_at_18_in_winter_and_in_summer(
        db, clock, mailbox, resident, courses, session_index, utc_hour):
    _leader, kid, _kib = courses
    session = kid.sessions[session_index]
    assert session.starts_at.hour == utc_hour
    due = session.starts_at - timedelta(hours=24)
    notify(resident, "session_reminder", due_at=due,
           context={"cohort_id": kid.id, "session_id": session.id},
           occurrence=f"session:{session.id}:v{session.sequence}")
    assert send_due(due - timedelta(minutes=1), worker="w").handled == 0
    assert send_due(due, worker="w").sent == 1
    [msg] = mailbox.messages
    assert msg["Subject"] == "Påminnelse: kurs i morgen kl. 18.00"
    assert not [word for word in _forbidden() if word.lower() in _whole(msg).lower()]


def test_a_notice_about_an_outdated_version_of_a_session_is_cancelled(
        db, clock, mailbox, resident, courses):
    leader, kid, _kib = courses
    session = kid.sessions[3]
    services.move_session(leader, kid, session, session.local_date, time(19, 0), NOW)
    old = notify(resident, "session_moved", context={"cohort_id": kid.id, "session_id": session.id},
                 occurrence=f"session:{session.id}:v{session.sequence}")
    services.move_session(leader, kid, session, session.local_date, time(17, 0), NOW)
    new = notify(resident, "session_moved", context={"cohort_id": kid.id, "session_id": session.id},
                 occurrence=f"session:{session.id}:v{session.sequence}")
    report = send_due(NOW, worker="w")
    assert (report.sent, report.cancelled) == (1, 1)
    assert fresh(old).state == "cancelled" and fresh(new).state == "sent"
    [msg] = mailbox.messages
    assert "kl. 17.00" in text_of(msg)


def test_english_speakers_get_english_dates(db, clock, mailbox, resident, courses):
    _leader, kid, _kib = courses
    resident.locale = "en"
    notify(resident, "course_admitted", context={"cohort_id": kid.id})
    assert send_due(NOW, worker="w").sent == 1
    assert "Monday 9 March 2026 at 18:00" in text_of(mailbox.messages[0])
