"""Stepped care: the "Vurder planen" review at weeks 3 and 7 and at reliable deterioration, with
a frozen clock; responders get none; the decision closes it and is counted."""
from datetime import timedelta

from sqlalchemy import select

from selfhelp.checkins.queries import queue
from selfhelp.clock import local, now
from selfhelp.pathway import services
from selfhelp.pathway.models import ReviewDecision
from selfhelp.pathway.review import cohort_reviews
from tests import factories
from tests.checkins.helpers import guided_resident
from tests.conftest import post_form


def _scores(resident, phq: list[int], gad: list[int] | None = None):
    """PHQ-9 (and GAD-7) at the start, then week 1, 2 ... one day apart in the past."""
    base = now() - timedelta(days=len(phq) + 1)
    for i, score in enumerate(phq):
        factories.make_result(resident, "PHQ-9", score, occasion="start" if i == 0 else f"week-{i}",
                              answered_at=base + timedelta(days=i))
    for i, score in enumerate(gad or []):
        factories.make_result(resident, "GAD-7", score, occasion="start" if i == 0 else f"week-{i}",
                              answered_at=base + timedelta(days=i))


def _review(personas):
    rows = queue(personas["guide"], now())
    return next((row.review for row in rows if row.resident.id == personas["resident"].id), None)


def test_no_review_before_week_3(db, personas, clock):
    guided_resident(db, personas, weeks_ago=2)
    _scores(personas["resident"], [15, 15, 15])
    assert _review(personas) is None


def test_no_reliable_improvement_by_week_3_puts_a_review_in_the_guides_queue(as_persona, db, personas, clock):
    guided_resident(db, personas, weeks_ago=3)
    _scores(personas["resident"], [16, 14, 13, 12], [12, 11])  # down 4 and 1: not reliable
    db.commit()
    review = _review(personas)
    assert (review.checkpoint, review.reason) == ("week-3", "no_improvement")
    assert review.scores == {"PHQ-9": (16, 12), "GAD-7": (12, 11)}
    html = as_persona("guide").get("/guide/").get_data(as_text=True)
    assert "Vurder planen" in html and "Ingen pålitelig bedring innen uke 3." in html


def test_an_early_responder_gets_no_review(db, personas, clock):
    guided_resident(db, personas, weeks_ago=3)
    _scores(personas["resident"], [16, 13, 10])  # PHQ-9 down by 6
    assert _review(personas) is None


def test_gad7_down_by_4_is_an_improvement_too(db, personas, clock):
    guided_resident(db, personas, weeks_ago=4)
    _scores(personas["resident"], [12, 12], [14, 10])
    assert _review(personas) is None


def test_a_late_responder_improves_by_week_7_and_the_week_7_review_does_not_come(db, personas, clock):
    enrolment = guided_resident(db, personas, weeks_ago=3)
    _scores(personas["resident"], [16, 15, 15, 14])
    services.record_decision(personas["guide"], "guide", personas["resident"], "program:depression", "week-3",
                             "continue", "Vil prøve to uker til.", now())
    db.commit()
    assert _review(personas) is None  # decided at week 3
    clock.shift(timedelta(weeks=4))
    factories.make_result(personas["resident"], "PHQ-9", 9, occasion="week-7", answered_at=now())
    assert (local(now()).date() - enrolment.start_date).days == 49
    assert _review(personas) is None


def test_still_no_improvement_by_week_7_brings_a_second_review(db, personas, clock):
    guided_resident(db, personas, weeks_ago=3)
    _scores(personas["resident"], [16, 15])
    services.record_decision(personas["guide"], "guide", personas["resident"], "program:depression", "week-3",
                             "add_contact", "Avtalt telefonsamtale.", now())
    db.commit()
    clock.shift(timedelta(weeks=3, days=6))
    assert _review(personas) is None  # week 6
    clock.shift(timedelta(days=1))
    factories.make_result(personas["resident"], "PHQ-9", 14, occasion="week-7", answered_at=now())
    assert _review(personas).checkpoint == "week-7"


def test_reliable_deterioration_brings_a_review_in_any_week(db, personas, clock):
    guided_resident(db, personas, weeks_ago=1)
    _scores(personas["resident"], [8, 14])  # up by 6
    review = _review(personas)
    assert review.reason == "deterioration" and review.checkpoint.startswith("deterioration-")


def test_a_paused_week_does_not_count_towards_week_3(db, personas, clock):
    enrolment = guided_resident(db, personas, weeks_ago=3)
    enrolment.pause_days = 7
    _scores(personas["resident"], [16, 15])
    assert _review(personas) is None


def test_the_guide_records_a_decision_with_a_reason_and_it_joins_the_plan_history(
        as_persona, db, personas, clock):
    guided_resident(db, personas, weeks_ago=3)
    _scores(personas["resident"], [16, 15])
    db.commit()
    guide = as_persona("guide")
    path = f"/pathway/residents/{personas['resident'].id}/review"
    page = f"{path}?context=program:depression&checkpoint=week-3"
    missing = post_form(guide, path, {"context": "program:depression", "checkpoint": "week-3",
                                      "decision": "refer", "reason": ""}, page=page)
    assert missing.status_code == 200 and "Skriv hvorfor dere valgte dette." in missing.get_data(as_text=True)
    assert db.scalar(select(ReviewDecision.id)) is None
    post_form(guide, path, {"context": "program:depression", "checkpoint": "week-3", "decision": "refer",
                            "reason": "Henvist til fastlegen for vurdering av medisiner."}, page=page)
    decision = db.scalar(select(ReviewDecision))
    assert (decision.decision, decision.decided_by_id, decision.checkpoint) == ("refer", personas["guide"].id, "week-3")
    assert _review(personas) is None
    history = guide.get(f"/pathway/residents/{personas['resident'].id}").get_data(as_text=True)
    assert "Henvise videre (fastlege, DPS)" in history and "Vurdering i uke 3" in history
    mine = as_persona("resident").get("/my-plan").get_data(as_text=True)
    assert "Henvist til fastlegen" in mine


def test_a_decision_cannot_be_recorded_twice_for_the_same_review(db, personas, clock):
    import pytest

    guided_resident(db, personas, weeks_ago=3)
    args = (personas["guide"], "guide", personas["resident"], "program:depression", "week-3", "continue", "Ok")
    services.record_decision(*args, now())
    with pytest.raises(services.PathwayError):
        services.record_decision(*args, now())


def test_a_course_participant_without_improvement_at_a_measured_session_is_shown_to_the_leader(
        as_persona, db, personas, clock):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], auto_admit=True)
    application = factories.make_application(cohort, personas["resident"])
    other = factories.make_application(cohort, personas["other_resident"])
    db.commit()
    clock.shift(timedelta(weeks=15))  # the last weekly session has been held
    weekly = [s for s in cohort.sessions if s.kind == "weekly"]
    context = f"cohort:{cohort.id}"
    for resident, last in ((personas["resident"], 15), (personas["other_resident"], 8)):
        factories.make_result(resident, "PHQ-9", 16, context=context, occasion=f"session-{weekly[0].number}")
        factories.make_result(resident, "PHQ-9", last, context=context, occasion=f"session-{weekly[-1].number}")
    db.commit()
    reviews = cohort_reviews(cohort, [application, other])
    assert list(reviews) == [application.id]  # the other one improved by 8
    assert reviews[application.id].checkpoint == f"session-{weekly[-1].number}"
    html = as_persona("course_leader").get(f"/leader/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Vurder planen" in html and "Rita Resident" in html and "Otto Other" not in html


def test_the_stepped_care_report_counts_decisions_and_step_ups(as_persona, db, personas, clock):
    from selfhelp.reports.scope import Period, Scope
    from selfhelp.reports.stepped_care import decision_counts

    people = [factories.make_resident() for _ in range(6)]
    for i, person in enumerate(people):
        services.record_decision(personas["guide"], "guide", person, "program:depression",
                                 "week-3" if i < 4 else "week-7", "continue" if i == 0 else "add_contact",
                                 "Begrunnelse", now())
    db.commit()
    today = local(now()).date()
    counts = decision_counts(Scope.for_user(personas["admin"], "admin"), Period(today, today, now()))
    assert counts == {("week-3", "continue"): 1, ("week-3", "add_contact"): 3, ("week-7", "add_contact"): 2}
    html = as_persona("admin").get("/reports/stepped-care").get_data(as_text=True)
    assert "Trappet opp" in html


def test_the_report_shows_a_leader_the_decisions_in_their_cohorts_and_a_guide_their_own(db, personas, clock):
    from selfhelp.reports.scope import Period, Scope
    from selfhelp.reports.stepped_care import decision_counts

    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    services.record_decision(personas["admin"], "admin", personas["resident"], f"cohort:{cohort.id}",
                             "session-8", "offer_course", "Nytt kurs", now())
    services.record_decision(personas["guide"], "guide", personas["other_resident"], "program:depression",
                             "week-3", "refer", "Fastlege", now())
    services.record_decision(personas["admin"], "admin", personas["other_resident"], "cohort:999999",
                             "session-8", "continue", "Annet kurs", now())
    db.commit()
    today = local(now()).date()
    period = Period(today, today, now())
    assert decision_counts(Scope.for_user(personas["course_leader"], "course_leader"), period) == {
        ("session", "offer_course"): 1}
    assert decision_counts(Scope.for_user(personas["guide"], "guide"), period) == {("week-3", "refer"): 1}
