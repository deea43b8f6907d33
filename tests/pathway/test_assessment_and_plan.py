"""The assessment note and the plan: versions, pre-filling, who may read and write them, the
audit trail, the resident's own view, the data export and the retention purge."""
from datetime import date, timedelta

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.clock import now
from selfhelp.pathway import queries, services
from selfhelp.pathway.models import AssessmentNote, CarePlan, ReviewDecision
from tests import factories
from tests.checkins.helpers import guided_resident
from tests.conftest import login, post_form

ASSESSMENT = {"reason": "Har vært nedfor siden jul, sover dårlig.", "intake_scores": "PHQ-9: 14",
              "risk": "Spurt direkte på telefon om selvmordstanker: nei.", "chosen_help": "Veiledet program",
              "goals": "Gå tur tre ganger i uka."}
PLAN = {"help": "Veiledet program mot depresjon", "frequency": "Sjekk-inn hver uke",
        "evaluate_on": "30.03.2026"}


def _path(personas, tail=""):
    return f"/pathway/residents/{personas['resident'].id}{tail}"


def test_every_save_adds_a_version_and_the_earlier_ones_stay(as_persona, db, personas, clock):
    guided_resident(db, personas)
    guide = as_persona("guide")
    post_form(guide, _path(personas, "/assessment"), ASSESSMENT)
    post_form(guide, _path(personas, "/assessment"), {**ASSESSMENT, "goals": "Sove bedre."})
    post_form(guide, _path(personas, "/plan"), PLAN)
    post_form(guide, _path(personas, "/plan"), {**PLAN, "frequency": "Sjekk-inn og samtale annenhver uke"})
    notes = db.scalars(select(AssessmentNote).order_by(AssessmentNote.version)).all()
    assert [(n.version, n.goals) for n in notes] == [(1, "Gå tur tre ganger i uka."), (2, "Sove bedre.")]
    plans = db.scalars(select(CarePlan).order_by(CarePlan.version)).all()
    assert [(p.version, p.evaluate_on) for p in plans] == [(1, date(2026, 3, 30)), (2, date(2026, 3, 30))]
    page = guide.get(_path(personas)).get_data(as_text=True)
    assert "Sjekk-inn og samtale annenhver uke" in page and "Versjon 1" in page and "Versjon 2" in page


def test_a_first_note_is_prefilled_from_the_municipality_template_and_the_latest_scores(
        as_persona, db, personas, clock):
    guided_resident(db, personas)
    factories.make_result(personas["resident"], "PHQ-9", 9, answered_at=now() - timedelta(days=20))
    factories.make_result(personas["resident"], "PHQ-9", 14, occasion="week-1", answered_at=now() - timedelta(days=2))
    factories.make_result(personas["resident"], "WHO-5", 40, answered_at=now() - timedelta(days=2))
    db.commit()
    post_form(as_persona("admin"), "/pathway/template",
              {"municipality": factories.MUNICIPALITY, "do": "save", "reason": "Henvendelse via:",
               "risk": "Spurt om selvmordstanker (ja/nei), hvordan:", "chosen_help": "", "goals": ""})
    html = as_persona("guide").get(_path(personas, "/assessment")).get_data(as_text=True)
    assert "Henvendelse via:" in html and "Spurt om selvmordstanker (ja/nei), hvordan:" in html
    assert "PHQ-9: 14 (" in html and "WHO-5: 40 (" in html and "PHQ-9: 9 " not in html
    assert "2. mars 2026" not in html and "28. februar 2026" in html


def test_viewing_and_changing_are_audited(as_persona, db, personas, clock):
    guided_resident(db, personas)
    guide = as_persona("guide")
    guide.get(_path(personas))
    post_form(guide, _path(personas, "/plan"), PLAN)
    events = {(e.what, e.action, e.role) for e in db.scalars(select(AuditEvent).where(
        AuditEvent.resident_id == personas["resident"].id, AuditEvent.actor_id == personas["guide"].id))}
    assert {("care_pathway", "view", "guide"), ("care_plan", "view", "guide"),
            ("care_plan", "create", "guide")} <= events
    log = as_persona("resident").get("/account/access-log").get_data(as_text=True)
    assert "planen din" in log


def test_only_staff_who_serve_the_resident_get_in(as_persona, app, db, personas, clock):
    guided_resident(db, personas)
    stranger_leader = factories.make_staff(roles=["course_leader"], qualifications=["kid_leader"])
    far_admin = factories.make_staff(roles=["admin"], municipalities=[factories.OTHER_MUNICIPALITY])
    db.commit()
    for person in (stranger_leader, far_admin):
        client = app.test_client()
        login(client, person)
        assert client.get(_path(personas)).status_code == 404
    assert as_persona("other_guide").get(_path(personas)).status_code == 404
    assert as_persona("admin").get(_path(personas)).status_code == 200
    assert as_persona("course_leader").get(_path(personas)).status_code == 404  # no application yet
    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    factories.make_application(cohort, personas["resident"])
    db.commit()
    leader = as_persona("course_leader")
    assert leader.get(_path(personas)).status_code == 200
    post_form(leader, _path(personas, "/plan"), PLAN)
    assert db.scalar(select(CarePlan.author_id)) == personas["course_leader"].id


def test_bad_input_is_explained_and_what_was_typed_stays(as_persona, db, personas, clock):
    guided_resident(db, personas)
    response = post_form(as_persona("guide"), _path(personas, "/plan"),
                         {**PLAN, "evaluate_on": "31.02.2026"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Skriv datoen som dag.måned.år" in html
    assert "Veiledet program mot depresjon" in html
    assert db.scalar(select(CarePlan.id)) is None


def test_the_resident_reads_their_own_current_plan_and_assessment(as_persona, db, personas, clock):
    guided_resident(db, personas)
    resident, other = personas["resident"], personas["other_resident"]
    services.save_plan(personas["guide"], "guide", resident, services.PlanText("Gammel plan", "", None), now())
    services.save_plan(personas["guide"], "guide", resident,
                       services.PlanText("Veiledet program og kurs", "Hver uke", date(2026, 4, 1)), now())
    services.save_assessment(personas["guide"], "guide", resident,
                             services.AssessmentText(reason="Stress på jobben"), now())
    db.commit()
    mine = as_persona("resident").get("/my-plan").get_data(as_text=True)
    assert "Veiledet program og kurs" in mine and "Gammel plan" not in mine and "Stress på jobben" in mine
    assert "1. april 2026" in mine
    assert "Veiledet program og kurs" in as_persona("resident").get("/dashboard").get_data(as_text=True)
    assert "Veiledet program og kurs" not in as_persona("other_resident").get("/my-plan").get_data(as_text=True)
    assert queries.current_plan(other.id) is None


def test_the_data_export_holds_every_version_and_decision(app, db, personas, clock):
    from selfhelp.privacy.queries import collect

    resident = personas["resident"]
    services.save_assessment(personas["guide"], "guide", resident, services.AssessmentText(reason="A"), now())
    services.save_assessment(personas["guide"], "guide", resident, services.AssessmentText(reason="B"), now())
    services.save_plan(personas["guide"], "guide", resident, services.PlanText("Program", "Ukentlig", None), now())
    services.record_decision(personas["guide"], "guide", resident, "program:depression", "week-3",
                             "offer_course", "KiD passer", now())
    db.commit()
    data = collect(resident, "nb", now())["care_pathway"]
    assert [a["reason"] for a in data["assessments"]] == ["A", "B"]
    assert data["plans"][0]["help"] == "Program"
    assert data["decisions"][0]["decision"] == "offer_course"
    from selfhelp.privacy.export import as_html

    with app.test_request_context():
        html = as_html(collect(resident, "nb", now()))
    assert "Kartlegging, versjon 2" in html and "Tilby et kurs" in html


def test_the_retention_purge_deletes_the_pathway_records(db, personas, clock):
    from selfhelp.privacy.closure import purge_account

    resident = personas["resident"]
    services.save_assessment(personas["guide"], "guide", resident, services.AssessmentText(reason="A"), now())
    services.save_plan(personas["guide"], "guide", resident, services.PlanText("Program", "", None), now())
    services.record_decision(personas["guide"], "guide", resident, "program:depression", "week-3",
                             "continue", "Ok", now())
    kept = services.save_plan(personas["guide"], "guide", personas["other_resident"],
                              services.PlanText("Annen", "", None), now())
    db.commit()
    purge_account(resident.id)
    db.commit()
    assert db.scalars(select(AssessmentNote)).all() == []
    assert db.scalars(select(ReviewDecision)).all() == []
    assert [p.id for p in db.scalars(select(CarePlan))] == [kept.id]
