"""The audit log: append-only, written by every staff page that shows a resident's data, and
shown to the resident as their access log."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from selfhelp.audit.models import AuditEvent, AuditIsAppendOnly
from selfhelp.audit.services import record
from selfhelp.clock import now
from tests import factories


def _count(db, **where) -> int:
    query = select(func.count()).select_from(AuditEvent)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return db.scalar(query)


# ------------------------------------------------------------------ append-only

def _one_event(db, personas) -> AuditEvent:
    record(personas["guide"], "guide", [personas["resident"].id], "checkin_screen", "view", now())
    db.commit()
    return db.scalars(select(AuditEvent)).one()


def test_an_audit_event_cannot_be_changed_through_the_orm(db, personas):
    event = _one_event(db, personas)
    event.action = "change"
    with pytest.raises(AuditIsAppendOnly):
        db.flush()
    db.rollback()
    assert db.scalars(select(AuditEvent)).one().action == "view"


def test_an_audit_event_cannot_be_deleted_through_the_orm(db, personas):
    event = _one_event(db, personas)
    db.delete(event)
    with pytest.raises(AuditIsAppendOnly):
        db.flush()
    db.rollback()
    assert _count(db) == 1


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(action="change"),
    delete(AuditEvent),
    delete(AuditEvent).where(AuditEvent.id > 0),
])
def test_bulk_update_and_delete_statements_on_audit_events_are_refused(db, personas, statement):
    _one_event(db, personas)
    with pytest.raises(AuditIsAppendOnly):
        db.execute(statement)
    db.rollback()
    assert _count(db, action="view") == 1


def test_postgresql_refuses_raw_sql_that_changes_audit_events(db, personas, backend):
    """Below the ORM: the migration's trigger (SQLite has only the ORM guard)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    if backend != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the ORM guard is tested above")
    _one_event(db, personas)
    db.commit()
    for sql in ("UPDATE audit_events SET action = 'change'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.connection().execute(text(sql))
        db.rollback()
    assert _count(db, action="view") == 1


def test_new_audit_events_can_still_be_added(db, personas):
    _one_event(db, personas)
    record(personas["guide"], "guide", [personas["resident"].id, None], "caseload", "view", now())
    db.commit()
    assert _count(db) == 3


# ------------------------------------------------------------------ every staff view is audited

#: Staff pages that show one resident's (or a cohort's applicants') data, as (persona, endpoint).
STAFF_PAGES = [
    ("guide", "checkins.index"),
    ("guide", "checkins.caseload_page"),
    ("guide", "checkins.resident"),
    ("course_leader", "courses_leader.applications"),
    ("course_leader", "courses_leader.application"),
    ("course_leader", "courses_leader.roster"),
    ("course_leader", "courses_leader.roster_csv"),
    ("course_leader", "courses_leader.attendance"),
    ("course_leader", "courses_leader.cancel_session"),
    ("course_leader", "courses_leader.cancel_cohort"),
    ("course_leader", "courses_leader.decline"),
    ("admin", "checkins_admin.assignments"),
    ("admin", "audit.search"),
    ("guide", "checkins.program_action"),
    ("guide", "pathway.resident"),
    ("guide", "pathway.assessment"),
    ("guide", "pathway.plan"),
    ("course_leader", "pathway.resident"),
    ("admin", "pathway.plan"),
]
ID_ARGUMENTS = {"resident_id", "enrolment_id", "checkin_id", "application_id", "flag_id", "session_id",
                "cohort_id"}


def _values(rule, objects) -> dict:
    return {name: objects[name] for name in rule.arguments}


def _objects(personas, rich) -> dict:
    return {"resident_id": personas["resident"].id, "enrolment_id": rich["enrolment"].id,
            "checkin_id": rich["checkin"].id, "application_id": rich["application"].id,
            "cohort_id": rich["cohort"].id, "session_id": rich["cohort"].sessions[0].id}


def test_every_staff_get_page_about_residents_is_listed_here(app):
    """A new staff page taking a resident-related id must be added to STAFF_PAGES (and audit)."""
    staff_prefixes = ("checkins.", "courses_leader.", "checkins_admin.", "accounts_staff.")
    found = {r.endpoint for r in app.url_map.iter_rules()
             if r.endpoint.startswith(staff_prefixes) and "GET" in r.methods
             and ID_ARGUMENTS & set(r.arguments)}
    # Pages about a cohort that show no resident's data (counts, schedule, forms).
    no_resident_data = {"courses_leader.cohort", "courses_leader.edit_cohort", "courses_leader.move_session"}
    assert found - no_resident_data <= {endpoint for _p, endpoint in STAFF_PAGES}


@pytest.mark.parametrize("persona,endpoint", STAFF_PAGES)
def test_staff_page_showing_resident_data_writes_an_audit_event(app, db, personas, as_persona, rich,
                                                                persona, endpoint):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        path = url_for(endpoint, **_values(rule, _objects(personas, rich)))
    before = _count(db, actor_id=personas[persona].id)
    response = as_persona(persona).get(path)
    assert response.status_code == 200, (path, response.status_code)
    db.expire_all()
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == personas[persona].id)
                        .order_by(AuditEvent.id)).all()[before:]
    assert events, f"{path} wrote no audit event"
    if endpoint != "audit.search":
        assert personas["resident"].id in {e.resident_id for e in events}
    assert all(e.at is not None and e.role for e in events)


# ------------------------------------------------------------------ the resident's access log

def test_the_resident_sees_who_opened_their_data_and_when(db, personas, as_persona, rich, clock):
    guide = as_persona("guide")
    assert guide.get(f"/guide/residents/{personas['resident'].id}").status_code == 200
    page = as_persona("resident").get("/account/access-log").get_data(as_text=True)
    assert "Gina Guide (veileder)" in page
    assert "innsjekk med arbeidsark, kartlegging og meldinger" in page
    assert "2. mars 2026" in page or "02.03.2026" in page  # Europe/Oslo local time
    assert "kl. 10.00" in page  # 09:00 UTC is 10:00 in Oslo in March


def test_the_access_log_shows_only_the_residents_own_events_newest_first(db, personas, as_persona, rich, clock):
    record(personas["guide"], "guide", [personas["other_resident"].id], "checkin_screen", "view", now())
    record(personas["course_leader"], "course_leader", [personas["resident"].id], "course_application",
           "view", now())
    clock.shift(3600)
    record(personas["guide"], "guide", [personas["resident"].id], "feedback", "create", now())
    db.commit()
    page = as_persona("resident").get("/account/access-log").get_data(as_text=True)
    assert page.index("Skrev tilbakemelding til deg") < page.index("Så søknaden din til et kurs")
    other = as_persona("other_resident").get("/account/access-log").get_data(as_text=True)
    assert "Kurt Leader" not in other and "Gina Guide (veileder)" in other


def test_the_access_log_is_paginated(db, personas, as_persona, clock):
    for _ in range(55):
        record(personas["guide"], "guide", [personas["resident"].id], "caseload", "view", now())
    db.commit()
    client = as_persona("resident")
    first = client.get("/account/access-log").get_data(as_text=True)
    assert first.count("<tr>") == 51  # header + 50
    assert "page=2" in first
    second = client.get("/account/access-log?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 6


def test_the_access_log_is_one_step_away_on_the_konto_page(personas, as_persona):
    client = as_persona("resident")
    assert 'href="/account"' in client.get("/dashboard").get_data(as_text=True)
    page = client.get("/account").get_data(as_text=True)
    assert "/account/access-log" in page and "/account/export" in page and "/account/close" in page


# ------------------------------------------------------------------ staff changes are audited too

STAFF_CHANGES = [
    ("guide", "checkins.message", {"text": "Hei, hvordan går det?"}),
    ("guide", "checkins.program_action", {"action": "extend"}),
    ("guide", "checkins.acknowledge", {"note": "Ringt, ingen akutt fare.", "outcome": "called"}),
    ("guide", "checkins.feedback", {"body": "Fint jobbet!", "minutes": "10"}),
    ("admin", "checkins_admin.assign", {}),
    ("course_leader", "courses_leader.admit", {}),
    ("course_leader", "courses_leader.decline", {"reason": "Passer bedre med et annet tilbud."}),
    ("course_leader", "courses_leader.pretalk", {"date": "2026-03-10", "time": "12:00", "note": "Ring meg"}),
    ("course_leader", "courses_leader.confirm_guardian", {}),
    ("course_leader", "courses_leader.attendance", {}),
    ("guide", "pathway.plan", {"help": "Veiledet program", "evaluate_on": "30.03.2026"}),
    ("guide", "pathway.assessment", {"reason": "Nedfor", "risk": "Spurt direkte", "chosen_help": "Program"}),
]


def test_every_staff_post_route_about_residents_is_listed_here(app):
    staff_prefixes = ("checkins.", "courses_leader.", "checkins_admin.")
    found = {r.endpoint for r in app.url_map.iter_rules()
             if r.endpoint.startswith(staff_prefixes) and "POST" in r.methods
             and ID_ARGUMENTS & set(r.arguments)}
    # Changes to a cohort or session, not to a resident's data (participants get a notice).
    about_cohorts = {"courses_leader.edit_cohort", "courses_leader.publish", "courses_leader.cancel_cohort", "courses_leader.move_session",
                     "courses_leader.cancel_session", "courses_leader.roster"}
    assert found - about_cohorts <= {endpoint for _p, endpoint, _d in STAFF_CHANGES}


@pytest.mark.parametrize("persona,endpoint,data", STAFF_CHANGES)
def test_staff_change_to_resident_data_writes_an_audit_event(app, db, personas, as_persona, rich,
                                                             persona, endpoint, data):
    from flask import url_for

    from selfhelp.measures.models import RiskFlag
    from tests.checkins.helpers import submitted_checkin
    from tests.conftest import post_form

    objects = _objects(personas, rich)
    subject = personas["resident"]
    data = dict(data)
    if endpoint == "checkins.feedback":
        subject = personas["other_resident"]
        _enrolment, checkin = submitted_checkin(db, personas, resident_key="other_resident")
        objects["resident_id"], data["checkin_id"] = subject.id, checkin.id
    if endpoint == "checkins.acknowledge":
        objects["flag_id"] = db.scalars(select(RiskFlag.id)).first()
    if endpoint == "checkins_admin.assign":
        data["guide"] = personas["guide"].id
    if endpoint.startswith("courses_leader.") and endpoint != "courses_leader.attendance":
        cohort = factories.make_cohort(leaders=[personas["course_leader"]])
        subject = personas["other_resident"]
        objects["cohort_id"] = cohort.id
        objects["application_id"] = factories.make_application(cohort, subject).id
        db.commit()
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    with app.test_request_context():
        path = url_for(endpoint, **_values(rule, objects))
    client = as_persona(persona)
    response = post_form(client, path, data, page="/dashboard")
    assert response.status_code in (200, 302), (path, response.status_code)
    db.expire_all()
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == personas[persona].id,
                                                 AuditEvent.action.in_(("create", "change")))).all()
    assert subject.id in {e.resident_id for e in events}, f"{endpoint} wrote no audit event"


def test_a_huge_page_number_is_not_an_error(app, db, as_persona):
    client = as_persona("resident")
    assert client.get("/account/access-log?page=99999999999999999999999").status_code == 200
    assert as_persona("admin").get("/admin/audit?page=99999999999999999999").status_code == 200
