"""The weekly loop: assignment, cover, check-in, queue order, feedback, replies, risk follow-up."""
from datetime import date, timedelta

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.checkins import services
from selfhelp.checkins.models import Checkin, GuideAssignment, Message
from selfhelp.checkins.queries import queue
from selfhelp.clock import now
from selfhelp.measures.models import RiskFlag
from selfhelp.notifications.models import Notification
from tests import factories
from tests.checkins.helpers import guided_resident, submitted_checkin
from tests.conftest import csrf_token, post_form
from tests.programs.helpers import enrol


def test_the_platform_proposes_the_guide_with_the_smallest_caseload(db, personas, clock):
    busy, free = personas["guide"], factories.make_staff(roles=["guide"], name="Frida Fri")
    for _ in range(2):
        services.assign_guide(personas["admin"], enrol(factories.make_resident()), busy, now())
    assert services.proposed_guide(personas["resident"]).id == free.id


def test_reassigning_keeps_the_history(db, personas, clock):
    enrolment = guided_resident(db, personas)
    services.assign_guide(personas["admin"], enrolment, personas["other_guide"], now())
    rows = db.scalars(select(GuideAssignment).order_by(GuideAssignment.id)).all()
    assert [(r.guide_id, r.ended_at is None) for r in rows] == [
        (personas["guide"].id, False), (personas["other_guide"].id, True)]


def test_admin_assigns_from_the_page_with_a_proposal(as_persona, personas, db, clock):
    enrolment = enrol(personas["resident"])
    db.commit()
    html = as_persona("admin").get("/admin/guides").get_data(as_text=True)
    assert "foreslått" in html and "Rita Resident" in html
    post_form(as_persona("admin"), f"/admin/guides/{enrolment.id}/assign",
              {"guide": personas["guide"].id}, page="/admin/guides")
    assert db.scalar(select(GuideAssignment.guide_id)) == personas["guide"].id


def test_a_cover_sees_the_residents_only_during_the_absence(as_persona, personas, db, clock):
    guided_resident(db, personas)
    from tests.conftest import login

    cover = factories.make_staff(roles=["guide"], name="Cora Cover")  # a Drammen colleague
    services.add_absence(personas["guide"], personas["guide"], cover, date(2026, 3, 2), date(2026, 3, 6), now())
    db.commit()
    client = as_persona("anonymous")
    login(client, cover)
    assert "Rita Resident" in client.get("/guide/caseload").get_data(as_text=True)
    assert client.get(f"/guide/residents/{personas['resident'].id}").status_code == 200
    clock.shift(timedelta(days=7))
    client = as_persona("anonymous")  # a new login: staff sessions end after 30 idle minutes
    login(client, cover)
    assert client.get(f"/guide/residents/{personas['resident'].id}").status_code == 404


def test_queue_orders_risk_first_then_overdue_then_due_soonest(db, personas, clock):
    names = ["Anne Frist", "Bo Forsinket", "Cato Risiko"]
    enrolments = {}
    for name in names:
        resident = factories.make_resident(name=name)
        enrolments[name] = enrol(resident, "depression", now() - timedelta(weeks=1))
        enrolments[name].start_date = date(2026, 2, 23)
        services.assign_guide(personas["admin"], enrolments[name], personas["guide"], now())
    late = services.current_checkin(enrolments["Bo Forsinket"], date(2026, 3, 2))
    services.submit_checkin(enrolments["Bo Forsinket"].resident, late, "x", now() - timedelta(days=6))
    soon = services.current_checkin(enrolments["Anne Frist"], date(2026, 3, 2))
    services.submit_checkin(enrolments["Anne Frist"].resident, soon, "y", now())
    db.add(RiskFlag(resident_id=enrolments["Cato Risiko"].resident_id, reason="self_harm_item", score=14,
                    item_value=2, raised_at=now(), state="open"))
    db.commit()
    order = [row.resident.name for row in queue(personas["guide"], now())]
    assert order == ["Cato Risiko", "Bo Forsinket", "Anne Frist"]


def test_resident_checks_in_guide_publishes_feedback_resident_reads_and_replies(app, as_persona, personas, db, clock):
    guided_resident(db, personas)
    resident = as_persona("resident")
    assert "/checkin" in resident.get("/dashboard").get_data(as_text=True)
    post_form(resident, "/checkin", {"how_it_went": "Tung uke, men jeg gikk to turer"})
    checkin = db.scalar(select(Checkin))
    assert checkin.state == "submitted" and checkin.feedback_due_at is not None

    guide = as_persona("guide")
    assert "Rita Resident" in guide.get("/guide/").get_data(as_text=True)
    screen = guide.get(f"/guide/residents/{personas['resident'].id}").get_data(as_text=True)
    assert "Tung uke, men jeg gikk to turer" in screen
    clock.shift(timedelta(minutes=12))
    response = post_form(guide, f"/guide/residents/{personas['resident'].id}/feedback", {
        "checkin_id": checkin.id, "body": "Så bra, **Rita**! <script>alert(1)</script>", "minutes": "12",
        "do": "publish"}, page=f"/guide/residents/{personas['resident'].id}")
    assert response.status_code == 302
    db.expire_all()
    checkin = db.get(Checkin, checkin.id)
    assert (checkin.state, checkin.minutes_spent) == ("closed", 12)
    feedback = db.scalar(select(Message).where(Message.kind == "feedback"))
    assert "<strong>Rita</strong>" in feedback.body_html and "<script" not in feedback.body_html
    notice = db.scalar(select(Notification).where(Notification.kind == "new_message"))
    assert notice.recipient_id == personas["resident"].id

    thread = resident.get("/messages").get_data(as_text=True)
    assert "<strong>Rita</strong>" in thread
    db.expire_all()
    assert db.get(Message, feedback.id).read_at is not None  # read receipt for the guide
    post_form(resident, "/messages", {"text": "Takk! <b>Jeg</b> prøver igjen"})
    reply = db.scalar(select(Message).where(Message.author_id == personas["resident"].id))
    assert "&lt;b&gt;" in reply.body_html  # residents write plain text
    guide.get(f"/guide/residents/{personas['resident'].id}")
    db.expire_all()
    assert db.get(Message, reply.id).read_at is not None


def test_feedback_draft_autosaves_and_snippets_fill_placeholders(as_persona, personas, db, clock):
    enrolment, checkin = submitted_checkin(db, personas)
    from selfhelp.checkins.models import FeedbackDraft, Snippet

    snippet = Snippet(owner_id=None, municipality_code=factories.MUNICIPALITY, title="Oppmuntring",
                      body="Hei {fornavn}! Bra jobbet med {modul}.", created_at=now())
    db.add(snippet)
    db.commit()
    guide = as_persona("guide")
    page = f"/guide/residents/{personas['resident'].id}"
    saved = guide.post(page + "/feedback", data={"checkin_id": checkin.id, "body": "Første utkast",
                                                 "csrf_token": csrf_token(guide, page)},
                       headers={"Accept": "application/json"})
    assert saved.json["saved"] is True
    post_form(guide, page + "/feedback", {"checkin_id": checkin.id, "body": "Første utkast", "do": "snippet",
                                          "snippet": snippet.id, "minutes": "3"}, page=page)
    db.expire_all()
    body = db.scalar(select(FeedbackDraft.body))
    assert body.startswith("Første utkast") and "Hei Rita! Bra jobbet med" in body


def test_a_risk_flag_must_be_acknowledged_with_what_was_done(as_persona, personas, db, clock):
    guided_resident(db, personas)
    flag = RiskFlag(resident_id=personas["resident"].id, reason="self_harm_item", score=15, item_value=1,
                    raised_at=now(), state="open")
    db.add(flag)
    db.commit()
    guide = as_persona("guide")
    page = f"/guide/residents/{personas['resident'].id}"
    post_form(guide, f"/guide/flags/{flag.id}/acknowledge", {"note": ""}, page=page)
    db.refresh(flag)
    assert flag.state == "open"
    post_form(guide, f"/guide/flags/{flag.id}/acknowledge", {"note": "Ringt. Ingen akutt fare, ny samtale fredag.",
                                                             "outcome": "called"}, page=page)
    db.expire_all()
    flag = db.get(RiskFlag, flag.id)
    assert flag.state == "acknowledged" and flag.acknowledged_by_id == personas["guide"].id
    assert "Ringt. Ingen akutt fare" in guide.get(page).get_data(as_text=True)  # history stays


def test_risk_answers_and_reliable_deterioration_raise_flags_with_an_escalation_time(db, personas, clock):
    from selfhelp.measures.definitions import get_measure
    from selfhelp.measures.services import record_result

    phq = get_measure("PHQ-9")
    _r, flags = record_result(personas["resident"], phq, "program:depression", "start",
                              {f"q{i}": "0" for i in range(1, 9)} | {"q9": "1"}, now())
    assert [f.reason for f in flags] == ["self_harm_item"]
    assert flags[0].escalation_due_at is not None and flags[0].escalation_due_at > now()
    _r, flags = record_result(personas["resident"], phq, "program:depression", "week-1",
                              {f"q{i}": "1" for i in range(1, 9)} | {"q9": "0"}, now())
    assert [f.reason for f in flags] == ["reliable_deterioration"]  # 1 -> 8: up by 7
    _r, flags = record_result(personas["resident"], phq, "program:depression", "week-2",
                              {f"q{i}": "1" for i in range(1, 9)} | {"q9": "0"}, now())
    assert flags == []  # still worse, but it was already flagged


def test_guide_switches_open_pause_extend_and_send_a_questionnaire(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas)
    guide = as_persona("guide")
    page = f"/guide/residents/{personas['resident'].id}"
    from tests.pathway.test_guide_switches import confirm

    for action in ("unlock", "pause", "resume", "extend"):
        confirm(guide, personas, action)
    confirm(guide, personas, "questionnaire", measure="GAD-7")
    db.expire_all()
    enrolment = db.get(type(enrolment), enrolment.id)
    # Week 1: module 2 is open by its date, so "open the next module" opened module 3.
    assert (enrolment.unlocked_through, enrolment.state, enrolment.extra_weeks) == (3, "active", 2)
    assert "GAD-7" in as_persona("resident").get("/dashboard").get_data(as_text=True)


def test_every_guide_view_of_a_resident_is_audited(as_persona, personas, db, clock):
    guided_resident(db, personas)
    guide = as_persona("guide")
    for path in ("/guide/", "/guide/caseload", f"/guide/residents/{personas['resident'].id}"):
        guide.get(path)
    seen = {e.what for e in db.scalars(select(AuditEvent).where(
        AuditEvent.resident_id == personas["resident"].id, AuditEvent.actor_id == personas["guide"].id))}
    assert {"caseload", "checkin_screen"} <= seen


def test_a_guide_never_sees_someone_elses_resident(as_persona, personas, db, clock):
    guided_resident(db, personas)
    other = as_persona("other_guide")
    assert other.get(f"/guide/residents/{personas['resident'].id}").status_code == 404
    assert "Rita Resident" not in other.get("/guide/caseload").get_data(as_text=True)


def test_an_admin_registers_a_guides_absence_and_the_cover_takes_over(as_persona, personas, db, clock):
    guided_resident(db, personas)
    cover = factories.make_staff(roles=["guide"], name="Cora Cover")
    db.commit()
    response = post_form(as_persona("admin"), "/guide/absence", {
        "guide": personas["guide"].id, "cover": cover.id, "starts_on": "2026-03-02", "ends_on": "2026-03-13"})
    assert response.status_code == 302
    from tests.conftest import login

    client = as_persona("anonymous")
    login(client, cover)
    assert "Rita Resident" in client.get("/guide/caseload").get_data(as_text=True)


def test_absence_dates_must_be_in_order(as_persona, personas, db, clock):
    colleague = factories.make_staff(roles=["guide"], name="Kari Kollega")
    db.commit()
    html = post_form(as_persona("guide"), "/guide/absence", {
        "guide": personas["guide"].id, "cover": colleague.id,
        "starts_on": "2026-03-10", "ends_on": "2026-03-01"}).get_data(as_text=True)
    assert "Sluttdatoen må være samme dag eller etter startdatoen." in html


def test_the_assignments_page_proposes_whom_the_proposal_rule_names(as_persona, personas, db, clock):
    busy, free = personas["guide"], factories.make_staff(roles=["guide"], name="Frida Fri")
    for _ in range(2):
        services.assign_guide(personas["admin"], enrol(factories.make_resident()), busy, now())
    waiting = [enrol(personas["resident"]), enrol(personas["other_resident"])]
    db.commit()
    from selfhelp.checkins.queries import assignments_page

    proposals = {r.enrolment.id: r.proposal for r in assignments_page(personas["admin"], now()).rows
                 if r.assignment is None}
    assert proposals == {e.id: services.proposed_guide(e.resident).id for e in waiting} == {
        e.id: free.id for e in waiting}
    html = as_persona("admin").get("/admin/guides").get_data(as_text=True)
    assert f'<option value="{free.id}" selected>' in html


def test_a_program_switch_is_audited_by_the_service_itself(db, personas, clock):
    """A switch made outside the guide's page (the CLI, a job) is in the audit log too."""
    from selfhelp.programs import services as programs
    from tests.programs.helpers import program

    enrolment = guided_resident(db, personas)
    programs.switch_program(personas["guide"], enrolment, program(), "extend", now())
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == personas["guide"].id)).all()
    assert [(e.what, e.action, e.resident_id, e.record_id) for e in events] == [
        ("program", "change", personas["resident"].id, enrolment.id)]
    assert enrolment.extra_weeks == 2


def test_assigning_a_guide_is_audited_by_the_service_itself(db, personas, clock):
    enrolment = guided_resident(db, personas)
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.what == "guide_assignment")).all()
    assert (event.actor_id, event.role, event.resident_id, event.action, event.record_id) == (
        personas["admin"].id, "admin", personas["resident"].id, "change", enrolment.id)


def test_the_caseload_names_the_module_in_the_guides_language(as_persona, personas, db, clock):
    from selfhelp.content import get_catalogue

    enrolment = guided_resident(db, personas)
    module = get_catalogue().programs["depression"].module(enrolment.current_module or "") \
        or get_catalogue().programs["depression"].modules[0]
    nb, en = module.text("nb").title, module.text("en").title
    assert nb != en
    guide = as_persona("guide")
    assert nb in guide.get("/guide/caseload").get_data(as_text=True)
    post_form(guide, "/language", {"language": "en", "next": "/guide/caseload"})
    page = guide.get("/guide/caseload").get_data(as_text=True)
    assert en in page and nb not in page
