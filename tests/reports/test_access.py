"""Who sees what: admins their municipalities, course leaders their cohorts, guides their own
caseload; residents and anonymous visitors nothing."""
import pytest

from tests.reports import dataset

PERIOD = "start=2026-01-01&end=2026-03-01"
PAGES = ("/reports/", "/reports/outcomes", "/reports/engagement", "/reports/reach",
         "/reports/workload")


@pytest.fixture
def data(db, personas, clock):
    return dataset.build(db, personas)


@pytest.mark.parametrize("page", PAGES)
def test_residents_are_refused_and_anonymous_visitors_sent_to_log_in(app, data, as_persona, page):
    assert as_persona("resident").get(page).status_code == 403
    response = as_persona("anonymous").get(page)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_guide_cannot_pick_the_admin_scope(app, data, as_persona):
    html = as_persona("guide").get(f"/reports/outcomes?{PERIOD}&scope=admin").get_data(as_text=True)
    assert "Mestring av depresjon" not in html
    assert "<table" not in html


def test_a_guide_sees_their_own_caseload_only(app, data, as_persona):
    client = as_persona("guide")
    html = client.get(f"/reports/workload?{PERIOD}&scope=guide").get_data(as_text=True)
    assert "Gina Guide" in html and "Gustav Guide" not in html
    rows = client.get(f"/reports/outcomes?{PERIOD}&scope=guide&format=csv&table=people")
    text = rows.get_data(as_text=True)
    # A–E are Gina's: 5 started (F–H are Gustav's).
    assert "Program;Mestring av depresjon;5;" in text
    assert "Gustav" not in text


def test_a_course_leader_sees_their_cohorts_and_no_program_figures(app, data, as_persona):
    client = as_persona("course_leader")
    text = client.get(f"/reports/outcomes?{PERIOD}&format=csv&table=people").get_data(as_text=True)
    assert "Kurs;KiD;5;" in text
    assert "Mestring av depresjon" not in text
    text = client.get(f"/reports/reach?{PERIOD}&format=csv&table=gender").get_data(as_text=True)
    assert text.splitlines()[-1].startswith("Alle;6;")  # the six who applied in the period


def test_an_admin_of_another_municipality_sees_none_of_it(app, db, data, as_persona):
    from tests import factories
    from tests.conftest import login

    bergen = factories.make_staff(roles=["admin"], municipalities=[factories.OTHER_MUNICIPALITY])
    db.commit()
    client = app.test_client()
    login(client, bergen)
    text = client.get(f"/reports/outcomes?{PERIOD}&format=csv&table=people").get_data(as_text=True)
    lines = text.splitlines()
    # X (Bergen) started the program in the period and was admitted to Bergen's cohort.
    assert any(line.startswith("Program;Mestring av depresjon;<5;") for line in lines)
    assert not any("Drammen" in line for line in lines)
    assert any(line.startswith("Alle;Alle;<5;") for line in lines)


def test_viewing_aggregates_writes_no_audit_events(app, db, data, as_persona):
    from sqlalchemy import func, select

    from selfhelp.audit.models import AuditEvent

    before = db.scalar(select(func.count()).select_from(AuditEvent))
    client = as_persona("admin")
    for page in PAGES[1:]:
        assert client.get(f"{page}?{PERIOD}").status_code == 200
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == before
