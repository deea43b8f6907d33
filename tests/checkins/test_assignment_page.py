"""The admin's guide-assignment page: who waits first, risk marked, search and filters."""
from datetime import timedelta

from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.checkins import services
from selfhelp.clock import now
from selfhelp.measures.models import RiskFlag
from tests import factories
from tests.programs.helpers import enrol


def _world(db, personas, clock):
    """Åse has a guide; Bjørn waits since 10 days, Cecilie since 3 days with an open risk flag."""
    ase = factories.make_resident(name="Åse Assigned", email="ase@example.com")
    services.assign_guide(personas["admin"], enrol(ase), personas["guide"], now())
    clock.shift(timedelta(days=7).total_seconds())
    bjorn = factories.make_resident(name="Bjørn Venter", email="bjorn@example.com")
    enrol(bjorn)
    clock.shift(timedelta(days=7).total_seconds())
    cecilie = factories.make_resident(name="Cecilie Risiko", email="cecilie@example.com")
    enrol(cecilie)
    db.add(RiskFlag(resident_id=cecilie.id, reason="self_harm_item", score=5, item_value=1,
                    raised_at=now(), state="open"))
    db.commit()
    return ase, bjorn, cecilie


def _names(html: str, names=("Åse Assigned", "Bjørn Venter", "Cecilie Risiko")) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_those_waiting_come_first_longest_first_and_risk_is_marked(db, personas, as_persona, clock):
    _world(db, personas, clock)
    html = as_persona("admin").get("/admin/guides").get_data(as_text=True)
    assert _names(html) == ["Cecilie Risiko", "Bjørn Venter", "Åse Assigned"]  # risk, longest wait, guided
    assert "1 åpent risikovarsel" in html
    assert "2 innbyggere venter på veileder." in html
    assert "Viser 3 av 3." in html


def test_waiting_is_ordered_by_how_long_they_have_waited(db, personas, as_persona, clock):
    _ase, bjorn, cecilie = _world(db, personas, clock)
    db.execute(RiskFlag.__table__.delete())
    db.commit()
    html = as_persona("admin").get("/admin/guides").get_data(as_text=True)
    assert _names(html) == ["Bjørn Venter", "Cecilie Risiko", "Åse Assigned"]


def test_search_and_filters(db, personas, as_persona, clock):
    _world(db, personas, clock)
    admin = as_persona("admin")
    assert _names(admin.get("/admin/guides?text=bjørn").get_data(as_text=True)) == ["Bjørn Venter"]
    assert _names(admin.get("/admin/guides?text=CECILIE@").get_data(as_text=True)) == ["Cecilie Risiko"]
    waiting = _names(admin.get("/admin/guides?show=waiting").get_data(as_text=True))
    assert set(waiting) == {"Bjørn Venter", "Cecilie Risiko"}
    assert _names(admin.get("/admin/guides?show=risk").get_data(as_text=True)) == ["Cecilie Risiko"]
    by_guide = admin.get(f"/admin/guides?guide={personas['guide'].id}").get_data(as_text=True)
    assert _names(by_guide) == ["Åse Assigned"]
    none = admin.get("/admin/guides?text=nobody-by-this-name").get_data(as_text=True)
    assert "Ingen innbyggere passer med søket." in none and "Viser 0 av 3." in none


def test_only_the_residents_shown_are_audited(db, personas, as_persona, clock):
    _ase, bjorn, _cecilie = _world(db, personas, clock)
    as_persona("admin").get("/admin/guides?text=bjørn")
    seen = set(db.scalars(select(AuditEvent.resident_id).where(AuditEvent.what == "guide_assignments")))
    assert seen == {bjorn.id}


def test_bad_filter_values_are_a_message_not_an_error(db, personas, as_persona, clock):
    _world(db, personas, clock)
    admin = as_persona("admin")
    for query in ("guide=999999", "guide=abc", "program=nope", "show=everything", "text=" + "x" * 300):
        response = admin.get(f"/admin/guides?{query}")
        assert response.status_code == 200, query
        assert "Viser 3 av 3." in response.get_data(as_text=True), query
    assert "Velg fra listen." in admin.get("/admin/guides?guide=999999").get_data(as_text=True)
    assert "Skriv høyst 100 tegn." in admin.get("/admin/guides?text=" + "x" * 300).get_data(as_text=True)
