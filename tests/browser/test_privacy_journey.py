"""A resident sees their guide's visit in the access log, downloads their data, closes the
account, and the course seat they held goes to the next person on the waiting list."""
import json
import re
from datetime import timedelta
from pathlib import Path

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
def people(live_db):
    admin = factories.make_staff(roles=["admin"], email="admin@example.com")
    guide = factories.make_staff(roles=["guide"], email="guide@example.com", name="Gro Guide")
    leader = factories.make_staff(roles=["course_leader"], email="leder@example.com", name="Lise Leder",
                                  qualifications=["kid_leader"])
    rita = factories.make_resident(email="rita@example.com", name="Rita Resident")
    bjorn = factories.make_resident(email="bjorn@example.com", name="Bjørn Neste")
    enrolment = enrol(rita, "depression", now() - timedelta(weeks=1))
    enrolment.start_date = local(now()).date() - timedelta(weeks=1)
    services.assign_guide(admin, enrolment, guide, now())
    cohort = factories.make_cohort(leaders=[leader], auto_admit=True, capacity=1)
    assert factories.make_application(cohort, rita).state == "admitted"
    assert factories.make_application(cohort, bjorn).state == "waitlisted"
    live_db.commit()


def _as(browser, browser_context_args, base, email):
    page = browser.new_context(**browser_context_args, accept_downloads=True).new_page()
    log_in(page, base, email)
    return page


def test_access_log_export_and_closing_the_account(browser, browser_context_args, live_server, people):
    base = live_server.url
    guide = _as(browser, browser_context_args, base, "guide@example.com")
    guide.goto(base + "/guide/caseload")
    guide.get_by_role("link", name="Rita Resident").first.click()
    expect(guide.get_by_role("heading", name=re.compile("Rita Resident"))).to_be_visible()

    rita = _as(browser, browser_context_args, base, "rita@example.com")
    rita.get_by_role("link", name="Konto: e-post, passord, varsler og dataene dine").click()
    expect(rita.get_by_role("heading", name="Konto", exact=True)).to_be_visible()
    assert_accessible(rita)
    rita.get_by_role("link", name="Hvem har sett dataene dine").click()
    expect(rita.get_by_role("heading", name="Hvem har sett dataene dine")).to_be_visible()
    expect(rita.get_by_role("cell", name="Gro Guide (veileder)").first).to_be_visible()
    expect(rita.get_by_text("Så innsjekk med arbeidsark, kartlegging og meldinger")).to_be_visible()
    assert_accessible(rita)

    rita.get_by_role("link", name="Tilbake til Konto").click()
    assert_accessible(rita)
    rita.get_by_role("link", name="Last ned dataene dine").click()
    assert_accessible(rita)
    rita.get_by_label("Passordet ditt").fill(factories.PASSWORD)
    with rita.expect_download() as download_info:
        rita.get_by_role("button", name="Last ned som fil (JSON)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "Rita Resident"
    assert data["courses"][0]["state"] == "admitted"
    assert any(e["who"] == "Gro Guide" for e in data["access_log"])

    rita.goto(base + "/account/export")
    rita.get_by_label("Passordet ditt").fill(factories.PASSWORD)
    rita.get_by_role("button", name="Vis som nettside").click()
    expect(rita.get_by_role("heading", name="Dataene dine i selfhelp")).to_be_visible()
    expect(rita.get_by_text("Rita Resident").first).to_be_visible()
    assert_accessible(rita)

    rita.goto(base + "/account/close")
    expect(rita.get_by_role("heading", name="Dette slettes med en gang")).to_be_visible()
    assert_accessible(rita)
    rita.get_by_label("Passordet ditt").fill(factories.PASSWORD)
    rita.get_by_label("Jeg forstår at kontoen ikke kan gjenopprettes, og vil slette den.").check()
    rita.get_by_role("button", name="Slett kontoen min").click()
    expect(rita.get_by_role("heading", name="Kontoen er slettet")).to_be_visible()
    assert_accessible(rita)
    rita.goto(base + "/dashboard")
    expect(rita).to_have_url(re.compile(r".*/login"))

    rita.goto(base + "/login")
    rita.get_by_label("E-post").fill("rita@example.com")
    rita.get_by_label("Passord").fill(factories.PASSWORD)
    rita.get_by_role("button", name="Logg inn").click()
    expect(rita.get_by_text("E-post eller passord er feil.")).to_be_visible()

    bjorn = _as(browser, browser_context_args, base, "bjorn@example.com")
    bjorn.goto(base + "/courses/mine")
    expect(bjorn.get_by_text("Tatt opp")).to_be_visible()

    admin = _as(browser, browser_context_args, base, "admin@example.com")
    admin.get_by_role("link", name="Tilgangslogg").first.click()
    admin.get_by_label("Ansatt").select_option(label="Gro Guide (guide@example.com)")
    admin.get_by_role("button", name="Søk").click()
    expect(admin.get_by_role("cell", name=re.compile("Slettet bruker")).first).to_be_visible()
    assert_accessible(admin)
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Last ned som CSV").click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Gro Guide" in csv_text and "Slettet bruker" in csv_text
    admin.goto(base + "/admin/retention")
    assert_accessible(admin)
