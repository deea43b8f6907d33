"""The admin's audit search: filters, municipality scope, CSV export, and its own audit trail."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.audit.services import record
from selfhelp.clock import now
from tests import factories


def _events(db, personas, clock):
    """Guide views Rita today; leader views Otto tomorrow; a Bergen guide views a Bergen resident."""
    bergen_resident = factories.make_resident(name="Berit Bergen", municipality=factories.OTHER_MUNICIPALITY)
    record(personas["guide"], "guide", [personas["resident"].id], "checkin_screen", "view", now())
    clock.shift(timedelta(days=1))
    record(personas["course_leader"], "course_leader", [personas["other_resident"].id],
           "course_application", "view", now(), record_id=77)
    record(personas["other_guide"], "guide", [bergen_resident.id], "checkin_screen", "view", now())
    db.commit()
    return bergen_resident


def _rows(page: str) -> str:
    return page[page.index("<tbody>"):page.index("</tbody>")]


def test_admin_sees_events_about_their_municipalities_only(db, personas, as_persona, clock):
    _events(db, personas, clock)
    page = _rows(as_persona("admin").get("/admin/audit").get_data(as_text=True))
    assert "Rita Resident" in page and "Otto Other" in page
    assert "Berit Bergen" not in page and "Gustav Guide" not in page


def test_admin_sees_events_by_staff_of_their_municipalities_about_anyone(db, personas, as_persona, clock):
    traveller = factories.make_resident(name="Tor Tilflytter", municipality=factories.OTHER_MUNICIPALITY)
    record(personas["guide"], "guide", [traveller.id], "checkin_screen", "view", now())
    db.commit()
    page = _rows(as_persona("admin").get("/admin/audit").get_data(as_text=True))
    assert "Tor Tilflytter" in page


def test_filters_by_staff_member_resident_and_period(db, personas, as_persona, clock):
    _events(db, personas, clock)
    admin = as_persona("admin")
    by_staff = _rows(admin.get(f"/admin/audit?staff={personas['course_leader'].id}").get_data(as_text=True))
    assert "Otto Other" in by_staff and "Rita Resident" not in by_staff
    by_email = _rows(admin.get(f"/admin/audit?resident={personas['resident'].email}").get_data(as_text=True))
    assert "Rita Resident" in by_email and "Otto Other" not in by_email
    by_id = _rows(admin.get(f"/admin/audit?resident={personas['other_resident'].id}").get_data(as_text=True))
    assert "Otto Other" in by_id and "Rita Resident" not in by_id
    first_day = _rows(admin.get("/admin/audit?start=2026-03-02&end=2026-03-02").get_data(as_text=True))
    assert "Rita Resident" in first_day and "Otto Other" not in first_day
    second_day = _rows(admin.get("/admin/audit?start=03.03.2026").get_data(as_text=True))
    assert "Otto Other" in second_day and "Gina Guide" not in second_day


def test_an_unknown_resident_is_named_as_a_form_error(db, personas, as_persona):
    page = as_persona("admin").get("/admin/audit?resident=nobody@example.com").get_data(as_text=True)
    assert "Fant ingen person med denne e-postadressen eller ID-en." in page


def test_viewing_the_audit_log_is_itself_audited(db, personas, as_persona, clock):
    _events(db, personas, clock)
    as_persona("admin").get(f"/admin/audit?resident={personas['resident'].id}")
    db.expire_all()
    own = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == personas["admin"].id)).all()
    assert [(e.what, e.action, e.resident_id, e.role) for e in own] == [
        ("audit_log", "view", personas["resident"].id, "admin")]


def test_csv_export_of_the_filtered_result(db, personas, as_persona, clock):
    _events(db, personas, clock)
    response = as_persona("admin").get(f"/admin/audit.csv?staff={personas['course_leader'].id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Tidspunkt", "Ansatt", "Ansattes e-post"]
    assert len(rows) == 2
    assert rows[1][1] == "Kurt Leader" and rows[1][3] == "kursleder" and rows[1][5] == "Otto Other"
    assert rows[1][7] == "77" and rows[1][8] == "så"
    assert rows[1][0].startswith("2026-03-03T10:00:00+01:00")
    db.expire_all()
    export = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == personas["admin"].id)).all()
    assert {(e.what, e.action, e.resident_id) for e in export} == {
        ("audit_log", "export", personas["other_resident"].id)}


def test_csv_cells_that_look_like_formulas_are_defused(db, personas, as_persona):
    sneaky = factories.make_resident(name="=HYPERLINK(\"x\")")
    record(personas["guide"], "guide", [sneaky.id], "caseload", "view", now())
    db.commit()
    body = as_persona("admin").get(f"/admin/audit.csv?resident={sneaky.id}").get_data().decode()
    assert "'=HYPERLINK" in body


def test_the_search_describes_events_in_staff_wording_and_the_access_log_in_the_residents(
        db, personas, as_persona, clock):
    record(personas["guide"], "guide", [personas["resident"].id], "feedback", "create", now())
    record(personas["guide"], "guide", [personas["resident"].id], "program", "change", now())
    db.commit()
    rows = _rows(as_persona("admin").get("/admin/audit").get_data(as_text=True))
    assert "Skrev tilbakemelding til innbyggeren" in rows and "Endret innbyggerens program" in rows
    assert "til deg" not in rows and "ditt" not in rows
    own = as_persona("resident").get("/account/access-log").get_data(as_text=True)
    assert "Skrev tilbakemelding til deg" in own


def test_every_event_has_staff_wording_without_you():
    import re

    from selfhelp.audit.labels import STAFF_WHAT, WHAT

    assert set(STAFF_WHAT) == set(WHAT)
    you = re.compile(r"\b(deg|din|ditt|dine)\b")
    assert not [key for key, label in STAFF_WHAT.items() if you.search(str(label))]
