"""The pages of the owner chain: open flags for admins and leaders, following up (with what was
typed kept on a mistake), the crisis page telling who follows up, triage at intake, age rules."""
from __future__ import annotations

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.measures.models import RiskFlag
from tests import factories
from tests.care.helpers import phq9, raise_flag
from tests.checkins.helpers import guided_resident
from tests.conftest import csrf_token, post_form
from tests.courses.steps import apply_in_steps
from tests.programs.helpers import enrol


def _follow_up(client, flag, data, page="/care/flags"):
    """Post the inline form as the browser does: every field, the token too, carries the flag's prefix."""
    prefixed = {f"flag{flag.id}-{key}": value for key, value in data.items()}
    prefixed[f"flag{flag.id}-csrf_token"] = csrf_token(client, page)
    return client.post(f"/care/flags/{flag.id}?next={page}", data=prefixed)


def test_the_admin_sees_every_open_flag_in_their_municipalities_oldest_first(as_persona, personas, db, clock):
    guided_resident(db, personas)
    first = raise_flag(db, personas["resident"], context="program:depression")
    clock.shift(3600)
    enrol(personas["other_resident"], "while-you-wait")
    raise_flag(db, personas["other_resident"])
    elsewhere = factories.make_resident(name="Berit Bergen", municipality=factories.OTHER_MUNICIPALITY)
    raise_flag(db, elsewhere)
    html = as_persona("admin").get("/care/flags").get_data(as_text=True)
    assert "Åpne risikovarsler" in html
    assert html.index("Rita Resident") < html.index("Otto Other")
    assert "Berit Bergen" not in html
    assert "Veileder: Gina Guide" in html and "Teamet i kommunen" in html
    assert "Siste trinn i kjeden" in html  # the team-level flag says when they are reminded
    seen = set(db.scalars(select(AuditEvent.resident_id).where(AuditEvent.what == "open_flags")))
    assert seen == {personas["resident"].id, personas["other_resident"].id}
    assert first.id


def test_the_leader_follows_up_a_flag_from_the_cohort_page(as_persona, personas, db, clock):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    factories.make_application(cohort, personas["resident"])
    flag = raise_flag(db, personas["resident"], context=f"cohort:{cohort.id}", occasion="screening")
    leader = as_persona("course_leader")
    page = f"/leader/cohorts/{cohort.id}"
    html = leader.get(page).get_data(as_text=True)
    assert "Risikovarsler som venter på oppfølging" in html and "Rita Resident" in html
    # A mistake: no outcome chosen. The page says so and keeps the note.
    response = _follow_up(leader, flag, {"note": "Ringte henne i lunsjen"}, page=page)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Velg hva som ble gjort." in html and "Ringte henne i lunsjen" in html
    response = _follow_up(leader, flag, {"note": "Ringte henne i lunsjen", "outcome": "called"}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    db.expire_all()
    flag = db.get(RiskFlag, flag.id)
    assert (flag.state, flag.outcome, flag.acknowledged_by_id) == ("acknowledged", "called",
                                                                    personas["course_leader"].id)
    assert "Risikovarsler som venter" not in leader.get(page).get_data(as_text=True)
    changed = db.scalars(select(AuditEvent).where(AuditEvent.what == "risk_flag",
                                                  AuditEvent.action == "change")).all()
    assert [(e.actor_id, e.role, e.resident_id) for e in changed] == [
        (personas["course_leader"].id, "course_leader", personas["resident"].id)]


def test_a_guide_cannot_follow_up_a_flag_that_is_not_theirs(as_persona, personas, db, clock):
    enrol(personas["resident"], "while-you-wait")
    flag = raise_flag(db, personas["resident"])
    assert as_persona("guide").get(f"/care/flags/{flag.id}").status_code == 404
    assert as_persona("course_leader").get(f"/care/flags/{flag.id}").status_code == 404
    assert as_persona("admin").get(f"/care/flags/{flag.id}").status_code == 200


def test_the_crisis_page_says_truthfully_who_follows_up(as_persona, personas, db, clock):
    resident = as_persona("resident")
    enrol(personas["resident"], "while-you-wait")
    raise_flag(db, personas["resident"])
    assert "Et team i kommunen ser svaret ditt" in resident.get("/support").get_data(as_text=True)

    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    factories.make_application(cohort, personas["other_resident"])
    raise_flag(db, personas["other_resident"], context=f"cohort:{cohort.id}", occasion="screening")
    html = as_persona("other_resident").get("/support").get_data(as_text=True)
    assert "Kurslederen din ser svaret ditt" in html and "Veilederen din" not in html

    guided = factories.make_resident(name="Gerd Guidet", email="gerd@example.com")
    personas = {**personas, "gerd": guided}
    guided_resident(db, personas, resident_key="gerd")
    raise_flag(db, guided, context="program:depression")
    from tests.conftest import login
    from flask import current_app

    client = current_app.test_client()
    login(client, guided)
    assert "Veilederen din ser svaret ditt" in client.get("/support").get_data(as_text=True)


def test_severe_scores_at_program_start_tell_the_person_kindly_and_open_an_assessment_task(
        as_persona, personas, db, clock):
    guided_resident(db, personas)
    client = as_persona("resident")
    response = post_form(client, "/programs/depression/questionnaires/PHQ-9/start",
                         phq9([3, 3, 3, 3, 2, 2, 2, 2, 0]))  # 20: severe, no risk answer
    assert "/support/more-help" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du kan trenge mer enn selvhjelp" in html and "116 117" in html and "Fastlegen" in html
    assert 'href="/measures/progress"' in html or "Fortsett" in html  # may still start
    task = db.scalar(select(RiskFlag).where(RiskFlag.kind == "assessment"))
    assert (task.reason, task.score, task.owner_level, task.owner_user_id) == (
        "intake_severe", 20, "guide", personas["guide"].id)
    assert db.scalar(select(RiskFlag).where(RiskFlag.kind == "risk")) is None


def test_moderate_scores_at_start_open_no_task(as_persona, personas, db, clock):
    guided_resident(db, personas)
    client = as_persona("resident")
    response = post_form(client, "/programs/depression/questionnaires/PHQ-9/start",
                         phq9([2, 2, 2, 2, 2, 2, 2, 2, 0]))  # 16
    assert "more-help" not in response.headers["Location"]
    assert db.scalar(select(RiskFlag)) is None


def test_a_risk_answer_in_a_course_application_opens_a_flag_and_a_task_for_the_leaders(
        as_persona, personas, db, clock):
    from datetime import date

    cohort = factories.make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 4, 14))
    db.commit()
    client = as_persona("resident")
    response = apply_in_steps(client, cohort.id, "Komme meg ut av sengen", phq9([1, 1, 1, 1, 1, 1, 1, 1, 1]))
    assert response.headers["Location"].endswith("/support")
    flags = {f.kind: f for f in db.scalars(select(RiskFlag))}
    assert set(flags) == {"risk", "assessment"}
    assert {f.owner_level for f in flags.values()} == {"course_leader"}
    assert flags["assessment"].reason == "intake_risk"
    html = client.get("/support").get_data(as_text=True)
    assert "Kurslederen din ser svaret ditt" in html and "/support/more-help" in html


def test_someone_under_the_minimum_age_cannot_start_a_guided_program(as_persona, app, db, clock):
    from flask import current_app

    from tests.conftest import login

    young = factories.make_resident(age=15, email="ung@example.com")
    db.commit()
    client = current_app.test_client()
    login(client, young)
    response = post_form(client, "/programs/depression/start", {}, page="/programs/depression",
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Dette programmet er for deg som er 16 år eller eldre" in html
    from selfhelp.programs.models import Enrolment

    assert db.scalar(select(Enrolment).where(Enrolment.resident_id == young.id)) is None
    # The unguided program has no age limit.
    post_form(client, "/programs/while-you-wait/start", {}, page="/programs/while-you-wait")
    assert db.scalar(select(Enrolment).where(Enrolment.resident_id == young.id)) is not None
