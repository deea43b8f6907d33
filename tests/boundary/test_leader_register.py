"""The leader register: admins record course-leader trainings; course rules read it."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from selfhelp.accounts.models import LeaderRegistration, User
from selfhelp.audit.models import AuditEvent
from selfhelp.content import get_catalogue
from selfhelp.courses.services import cohorts as courses
from tests import factories
from tests.conftest import login, post_form


def _leader(db, user_id):
    db.expire_all()
    return db.get(User, user_id)


def _plan(course: str, leaders: list[User]) -> courses.CohortPlan:
    first = date(2026, 4, 20)
    return courses.CohortPlan(course, [u.id for u in leaders], factories.MUNICIPALITY, first,
                              time(18, 0), 8, first - timedelta(days=7), place="Biblioteket")


def test_an_admin_records_a_training_with_date_and_certificate_and_it_is_audited(
        as_persona, personas, db, clock):
    leader = personas["course_leader"]
    page = f"/staff/{leader.id}/leader-register"
    assert "KiD-kursleder" in as_persona("admin").get(page).get_data(as_text=True)
    response = post_form(as_persona("admin"), page, {"qualification": "kib_leader",
                                                     "course_date": "12.01.2026",
                                                     "certificate_number": "KIB-2026-7"})
    assert response.status_code == 302
    entry = db.scalar(select(LeaderRegistration).where(LeaderRegistration.qualification == "kib_leader"))
    assert (entry.course_date, entry.certificate_number) == (date(2026, 1, 12), "KIB-2026-7")
    assert entry.recorded_by_id == personas["admin"].id
    assert "kib_leader" in _leader(db, leader.id).qualification_names
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.what == "leader_register")).all()
    assert (event.actor_id, event.action, event.record_id) == (personas["admin"].id, "create", entry.id)
    html = as_persona("admin").get(page).get_data(as_text=True)
    assert "KIB-2026-7" in html and "12. jan. 2026" in html


def test_kib_needs_kid_first(as_persona, personas, db, clock):
    guide = personas["guide"]
    html = post_form(as_persona("admin"), f"/staff/{guide.id}/leader-register",
                     {"qualification": "kib_leader", "course_date": "2026-01-12",
                      "certificate_number": "KIB-1"}).get_data(as_text=True)
    assert "KiB-kursleder bygger på KiD-kursleder" in html
    assert 'value="KIB-1"' in html  # what was typed stays
    assert _leader(db, guide.id).qualification_names == set()


@pytest.mark.parametrize("field, value, message", [
    ("course_date", "2099-01-01", "Kursdatoen kan ikke være i framtiden."),
    ("course_date", "31.02.2025", "Skriv datoen som dag.måned.år"),
    ("certificate_number", "", "Skriv nummeret på kursbeviset eller kurset."),
    ("qualification", "super_leader", "Velg kvalifikasjon fra lista."),
])
def test_bad_register_input_gets_a_clear_message(as_persona, personas, db, clock, field, value, message):
    data = {"qualification": "kid_leader", "course_date": "2025-05-05", "certificate_number": "K-1",
            field: value}
    response = post_form(as_persona("admin"), f"/staff/{personas['guide'].id}/leader-register", data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _leader(db, personas["guide"].id).qualification_names == set()


def test_revoking_asks_first_and_keeps_the_history(as_persona, personas, db, clock):
    leader = personas["course_leader"]
    entry = next(e for e in leader.leader_registrations if e.qualification == "du_leader")
    path = f"/staff/{leader.id}/leader-register/{entry.id}/revoke"
    admin = as_persona("admin")
    ask = admin.get(path)
    assert ask.status_code == 200 and "Vil du trekke tilbake" in ask.get_data(as_text=True)
    assert "du_leader" in _leader(db, leader.id).qualification_names  # asking changes nothing
    assert post_form(admin, path, {}).status_code == 302
    leader = _leader(db, leader.id)
    assert leader.qualification_names == {"kid_leader"}
    assert len(leader.leader_registrations) == 2  # the revoked entry stays
    assert "Trukket tilbake" in admin.get(f"/staff/{leader.id}/leader-register").get_data(as_text=True)


def test_nobody_registers_themselves_and_other_municipalities_are_out_of_reach(
        app, as_persona, personas, db, clock):
    data = {"qualification": "kid_leader", "course_date": "2025-05-05", "certificate_number": "K-1"}
    admin_guide = factories.make_staff(roles=["admin", "course_leader"], name="Ada Leder")
    db.commit()
    client = app.test_client()
    login(client, admin_guide)
    own = post_form(client, f"/staff/{admin_guide.id}/leader-register", data, page="/staff/profile")
    assert own.status_code == 403 and "Du kan ikke føre deg selv" in own.get_data(as_text=True)
    assert _leader(db, admin_guide.id).qualification_names == set()
    bergen = personas["other_guide"]
    assert as_persona("admin").get(f"/staff/{bergen.id}/leader-register").status_code == 404


def test_a_self_declared_kib_qualification_no_longer_lets_a_leader_lead_kib_alone(
        as_persona, personas, db, clock):
    leader = personas["course_leader"]  # registered for KiD and DU
    post_form(as_persona("course_leader"), "/staff/profile",
              {"display_name": "Kurt", "qualifications": ["kid_leader", "kib_leader", "du_leader"]})
    leader = _leader(db, leader.id)
    assert "kib_leader" not in leader.qualification_names
    kib = get_catalogue().courses["KiB"]
    problems = courses.check_plan(leader, _plan("KiB", [leader]), kib, date(2026, 3, 2))
    assert "leader_not_qualified" in [p.code for p in problems]


def test_kib_is_led_only_by_leaders_registered_for_both_kid_and_kib(db, personas, clock):
    kib = get_catalogue().courses["KiB"]
    only_kib = factories.make_staff(roles=["course_leader"], name="Kine KiB")
    db.add(LeaderRegistration(user_id=only_kib.id, qualification="kib_leader",
                              recorded_at=factories.datetime.now(factories.timezone.utc)))
    both = factories.make_staff(roles=["course_leader"], name="Bjørn Begge",
                                qualifications=["kid_leader", "kib_leader"])
    db.commit()
    names = [u.name for u in courses.qualified_leaders(kib, factories.MUNICIPALITY)]
    assert names == ["Bjørn Begge"]


def test_du_needs_two_registered_leaders(db, personas, clock):
    du = get_catalogue().courses["DU"]
    leader = personas["course_leader"]
    problems = courses.check_plan(leader, _plan("DU", [leader]), du, date(2026, 3, 2))
    assert "too_few_leaders" in [p.code for p in problems]
    unregistered = factories.make_staff(roles=["course_leader"], name="Uno Uregistrert")
    db.commit()
    problems = courses.check_plan(leader, _plan("DU", [leader, unregistered]), du, date(2026, 3, 2))
    assert "leader_not_qualified" in [p.code for p in problems]
    partner = factories.make_staff(roles=["course_leader"], name="Pia Partner", qualifications=["du_leader"])
    db.commit()
    assert courses.check_plan(leader, _plan("DU", [leader, partner]), du, date(2026, 3, 2)) == []


def test_the_demo_leaders_are_in_the_register(app, db, clock):
    from selfhelp.demo import load_demo

    load_demo(factories.datetime.now(factories.timezone.utc))
    db.commit()
    ola = db.scalar(select(User).where(User.email == "kursleder@demo.no"))
    assert ola.qualification_names == {"kid_leader", "kib_leader", "du_leader"}
    assert all(e.certificate_number and e.course_date and e.recorded_by_id
               for e in ola.leader_registrations)
