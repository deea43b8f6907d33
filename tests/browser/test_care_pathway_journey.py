"""Stepped care in a browser: a resident with no reliable improvement by week 3 shows up as
"Vurder planen" in the guide's queue; the guide records a decision and writes the plan; a switch
asks first; the resident reads the plan. axe runs on every new page."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from selfhelp.checkins import services
from selfhelp.clock import local, now
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in
from tests.programs.helpers import enrol

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_responder(live_db):
    admin = factories.make_staff(roles=["admin"], email="admin@example.com")
    guide = factories.make_staff(roles=["guide"], email="guide@example.com", name="Gro Guide")
    resident = factories.make_resident(email="rita@example.com", name="Rita Resident")
    enrolment = enrol(resident, "depression", now() - timedelta(weeks=3))
    enrolment.start_date = local(now()).date() - timedelta(weeks=3)
    services.assign_guide(admin, enrolment, guide, now())
    for week, score in enumerate((15, 15, 14, 13)):
        factories.make_result(resident, "PHQ-9", score, occasion="start" if week == 0 else f"week-{week}",
                              answered_at=now() - timedelta(days=21 - 7 * week))
    live_db.commit()
    return resident


def _page(browser, browser_context_args, base, email):
    page = browser.new_context(**browser_context_args).new_page()
    log_in(page, base, email)
    return page


def test_a_guide_records_a_stepped_care_decision_and_the_plan(browser, browser_context_args, live_server,
                                                               slow_responder):
    base = live_server.url
    guide = _page(browser, browser_context_args, base, "guide@example.com")
    guide.goto(base + "/guide/")
    expect(guide.get_by_text("Ingen pålitelig bedring innen uke 3.")).to_be_visible()
    assert_accessible(guide)
    guide.get_by_role("link", name="Registrer beslutning – Rita Resident").click()
    expect(guide.get_by_role("heading", name="Vurder planen")).to_be_visible()
    assert_accessible(guide)
    guide.get_by_role("button", name="Registrer beslutningen").click()
    expect(guide.get_by_text("Velg en beslutning.").first).to_be_visible()
    guide.get_by_label("Mer kontakt: samtale på telefon eller video").check()
    guide.get_by_label("Begrunnelse").fill("Lite endring. Vi avtaler en telefonsamtale hver uke i tre uker.")
    guide.get_by_role("button", name="Registrer beslutningen").click()
    expect(guide.get_by_text("Beslutningen er registrert")).to_be_visible()
    expect(guide.get_by_text("Vurdering i uke 3")).to_be_visible()
    assert_accessible(guide)

    guide.get_by_role("link", name="Skriv planen").click()
    assert_accessible(guide)
    guide.get_by_label("Hvilken hjelp").fill("Veiledet program mot depresjon og telefonsamtale")
    guide.get_by_label("Hvor ofte").fill("Sjekk-inn hver uke, telefon hver torsdag")
    guide.get_by_label("Evalueres").fill((local(now()).date() + timedelta(weeks=3)).isoformat())
    guide.get_by_role("button", name="Lagre planen").click()
    expect(guide.get_by_text("Planen er lagret som en ny versjon.")).to_be_visible()
    guide.get_by_role("link", name="Skriv kartleggingen").click()
    assert_accessible(guide)
    expect(guide.get_by_label("Skårer ved oppstart")).to_have_value(re.compile(r"PHQ-9: 13"))

    guide.goto(base + f"/guide/residents/{slow_responder.id}")
    guide.get_by_role("link", name="Sett programmet på pause").click()
    expect(guide.get_by_role("heading", name="Sett programmet på pause")).to_be_visible()
    assert_accessible(guide)
    guide.get_by_label("Kort begrunnelse til innbyggeren").fill("Du ba om en pause mens du flytter.")
    guide.get_by_role("button", name="Ja, sett programmet på pause").click()
    expect(guide.get_by_text("Programmet er satt på pause.")).to_be_visible()

    rita = _page(browser, browser_context_args, base, "rita@example.com")
    rita.goto(base + "/my-plan")
    expect(rita.get_by_text("Veiledet program mot depresjon og telefonsamtale")).to_be_visible()
    expect(rita.get_by_text("Mer kontakt: samtale på telefon eller video")).to_be_visible()
    assert_accessible(rita)
    rita.goto(base + "/programs/depression")
    expect(rita.get_by_role("link", name="Skriv til veilederen din")).to_be_visible()
    assert_accessible(rita)


def test_the_assessment_template_page_is_accessible(browser, browser_context_args, live_server, live_db):
    factories.make_staff(roles=["admin"], email="admin@example.com")
    live_db.commit()
    admin = _page(browser, browser_context_args, live_server.url, "admin@example.com")
    admin.goto(live_server.url + "/pathway/template")
    admin.get_by_label("Risiko: hva ble spurt om, og hvordan").fill("Spurt om selvmordstanker: ")
    admin.get_by_role("button", name="Lagre malen").click()
    expect(admin.get_by_text("Malen er lagret.")).to_be_visible()
    assert_accessible(admin)
    admin.goto(live_server.url + "/reports/stepped-care")
    assert_accessible(admin)
