"""Guides hear of waiting check-ins at once and of overdue feedback once a working day; risk
flags reach the guide, and the admins when nobody acknowledges them in time."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from selfhelp.care import services as care
from selfhelp.checkins import services as checkins
from selfhelp.clock import local
from selfhelp.content import get_catalogue
from selfhelp.measures.models import RiskFlag
from selfhelp.programs import services as programs
from selfhelp.clock import escalation_due
from tests import factories
from tests.notifications.scenario import oslo, run, run_every

START = date(2026, 3, 2)
WAITING = "En innsjekk venter på tilbakemelding"
FLAG = "Viktig: et varsel i selfhelp trenger oppfølging"
ESCALATION = "Viktig: et varsel er ikke fulgt opp i tide"


def _to_staff(sent, personas):
    """Only what staff received (residents get their own program notices meanwhile)."""
    staff = {personas["guide"].email, personas["admin"].email}
    return [row for row in sent if row[-2] in staff or "cover" in row[-2]]


def _guided(db, personas, resident):
    enrolment = programs.start_program(resident, get_catalogue().programs["depression"], oslo(START, 10))
    checkins.assign_guide(personas["admin"], enrolment, personas["guide"], oslo(START, 10))
    db.commit()
    return enrolment


def _submit(db, enrolment, at: datetime):
    checkin = checkins.current_checkin(enrolment, local(at).date())
    checkins.submit_checkin(enrolment.resident, checkin, "Det gikk greit", at)
    db.commit()
    return checkin


def test_check_ins_waiting_and_one_overdue_digest_per_working_day(app, db, clock, mailbox, personas):
    guide = personas["guide"]
    first = _guided(db, personas, personas["resident"])
    second = _guided(db, personas, factories.make_resident(name="Siri Second"))
    run(app, mailbox, oslo(START, 11))
    monday = START + timedelta(weeks=1)
    _submit(db, first, oslo(monday, 10))
    _submit(db, second, oslo(monday, 10, 30))
    assert _to_staff(run(app, mailbox, oslo(monday, 10, 30)), personas) == [
        (guide.email, WAITING), (guide.email, WAITING)]
    # Due Wednesday 16:00 (two working days). Thursday and Friday 08:00: one digest each;
    # nothing at the weekend; Monday again.
    sent = run_every(app, mailbox, oslo(monday, 11), oslo(monday + timedelta(days=7), 12),
                     step=timedelta(hours=1))
    digest = "Tilbakemeldinger over fristen: 2"
    assert _to_staff(sent, personas) == [
        (oslo(date(2026, 3, 12), 8), guide.email, digest),
        (oslo(date(2026, 3, 13), 8), guide.email, digest),
        (oslo(date(2026, 3, 16), 8), guide.email, digest)]


def test_feedback_given_means_no_waiting_notice(app, db, clock, mailbox, personas):
    enrolment = _guided(db, personas, personas["resident"])
    run(app, mailbox, oslo(START, 11))
    monday = START + timedelta(weeks=1)
    checkin = _submit(db, enrolment, oslo(monday, 22))  # comes in during the guide's quiet hours
    assert run(app, mailbox, oslo(monday, 22)) == []
    checkins.publish_feedback(personas["guide"], checkin, "Fint å høre!", 10, oslo(monday, 23))
    db.commit()
    sent = run_every(app, mailbox, oslo(monday + timedelta(days=1), 7), oslo(monday + timedelta(days=1), 9))
    # The guide got nothing; the resident's mail waited for the morning.
    assert [(at, to, subject) for at, to, subject in sent] == [
        (oslo(monday + timedelta(days=1), 8), personas["resident"].email, "En ny del av programmet ditt er klar"),
        (oslo(monday + timedelta(days=1), 8), personas["resident"].email, "Du har en ny melding i selfhelp")]


def _flag(db, resident, at: datetime) -> RiskFlag:
    flag = RiskFlag(resident_id=resident.id, reason="self_harm_item", score=15, item_value=1,
                    raised_at=at, state="open", escalation_due_at=escalation_due(at))
    db.add(flag)
    db.commit()
    return flag


def test_a_risk_flag_reaches_the_guide_and_then_the_admins(app, db, clock, mailbox, personas):
    _guided(db, personas, personas["resident"])
    run(app, mailbox, oslo(START, 11))
    raised = oslo(date(2026, 3, 10), 10)
    _flag(db, personas["resident"], raised)
    sent = run_every(app, mailbox, raised, oslo(date(2026, 3, 10), 13), step=timedelta(minutes=15))
    assert _to_staff(sent, personas) == [
        (raised, personas["guide"].email, FLAG),
        (oslo(date(2026, 3, 10), 11), personas["admin"].email, ESCALATION)]


def test_an_acknowledged_flag_is_not_escalated(app, db, clock, mailbox, personas):
    _guided(db, personas, personas["resident"])
    run(app, mailbox, oslo(START, 11))
    raised = oslo(date(2026, 3, 10), 10)
    flag = _flag(db, personas["resident"], raised)
    assert _to_staff(run(app, mailbox, raised), personas) == [(personas["guide"].email, FLAG)]
    care.acknowledge(personas["guide"], flag, "called", "Ringte og avtalte time", oslo(date(2026, 3, 10), 10, 30))
    db.commit()
    assert _to_staff(run_every(app, mailbox, oslo(date(2026, 3, 10), 10, 30),
                               oslo(date(2026, 3, 11), 12)), personas) == []


def test_an_absent_guide_s_notices_go_to_the_cover(app, db, clock, mailbox, personas):
    enrolment = _guided(db, personas, personas["resident"])
    cover = factories.make_staff(roles=["guide"], name="Cora Cover", email="cover@example.com")
    checkins.add_absence(personas["admin"], personas["guide"], cover, date(2026, 3, 9), date(2026, 3, 13),
                         oslo(START, 12))
    db.commit()
    run(app, mailbox, oslo(START, 12))
    _submit(db, enrolment, oslo(date(2026, 3, 9), 10))
    assert _to_staff(run(app, mailbox, oslo(date(2026, 3, 9), 10)), personas) == [(cover.email, WAITING)]
