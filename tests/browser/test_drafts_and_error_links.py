"""In a real browser: an error-summary link brings the question into view with its input focused
(as GOV.UK's error summary does), and a worksheet's browser draft never outlives a successful
save nor overwrites text saved later (on another device)."""
import json
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from selfhelp.programs.models import WorksheetAnswer
from tests import factories
from tests.browser.people import log_in

pytestmark = pytest.mark.browser

M1 = "/programs/depression/01-forsta-depresjon"
BOX = "textarea[name='f-general_goal']"


def _rita_in_module_one(page, live_server, live_db):
    rita = factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()
    log_in(page, live_server.url, "rita@example.com")
    page.goto(live_server.url + "/programs/depression")
    page.get_by_role("button", name="Start programmet").click()
    page.wait_for_url(re.compile(".*" + M1))
    return rita


def _drafts(page, rita) -> dict:
    return {k: page.evaluate(f"localStorage.getItem({json.dumps(k)})")
            for k in page.evaluate("Object.keys(localStorage)") if k.startswith(f"ws-{rita.id}-")}


def test_an_error_summary_link_shows_the_question_and_focuses_its_first_choice(page, live_server, live_db):
    _rita_in_module_one(page, live_server, live_db)
    page.goto(live_server.url + "/programs/depression/questionnaires/PHQ-9/start")
    for i in (1, 2, 4, 5, 6, 7, 8, 9):  # everything but item 3
        page.locator(f"#q{i}-0").check()
    page.get_by_role("button", name="Send svarene").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Spørsmål 3")).click()
    expect(page.locator("#q3-0")).to_be_focused()
    legend = page.locator("#item-q3 legend")
    box = legend.bounding_box()
    assert box is not None and -1 < box["y"] < page.viewport_size["height"]  # the question is in view


def test_a_saved_worksheet_leaves_no_browser_draft_behind(page, live_server, live_db):
    rita = _rita_in_module_one(page, live_server, live_db)
    page.locator(BOX).fill("Gå tur hver dag")
    status = page.locator("form.worksheet", has=page.locator(BOX)).locator(".save-status")
    expect(status).to_contain_text("Lagret kl.", timeout=20_000)
    assert _drafts(page, rita) == {}
    page.goto(live_server.url + "/dashboard")  # leaving the page (pagehide) keeps nothing either
    assert _drafts(page, rita) == {}


def test_a_stale_browser_draft_never_overwrites_text_saved_later_elsewhere(page, live_server, live_db):
    rita = _rita_in_module_one(page, live_server, live_db)
    page.locator(BOX).fill("Første versjon")
    status = page.locator("form.worksheet", has=page.locator(BOX)).locator(".save-status")
    expect(status).to_contain_text("Lagret kl.", timeout=20_000)
    first_version = page.locator("form.worksheet", has=page.locator(BOX)).get_attribute("data-saved-at")

    # Rita writes more on her phone; it is saved there (a second browser context).
    other = page.context.browser.new_context()
    phone = other.new_page()
    log_in(phone, live_server.url, "rita@example.com")
    phone.goto(live_server.url + M1)
    phone.locator(BOX).fill("Nyere tekst fra telefonen")
    expect(phone.locator("form.worksheet", has=phone.locator(BOX)).locator(".save-status")).to_contain_text(
        "Lagret kl.", timeout=20_000)
    other.close()

    # This browser still holds a draft typed on top of the first version, stamped later than
    # the phone's save (as a draft left at pagehide, or a clock running fast, would be).
    form = page.locator("form.worksheet", has=page.locator(BOX))
    draft_key = form.get_attribute("data-draft-key")
    stale = {"at": "2099-01-01T00:00:00.000Z", "base": first_version,
             "entries": [["f-general_goal", "Gammel tekst fra PC-en"]]}
    legacy = dict(stale)
    legacy.pop("base")
    for draft in (stale, legacy):
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [draft_key, json.dumps(draft)])
        page.goto(live_server.url + M1)
        expect(page.locator(BOX)).to_have_value("Nyere tekst fra telefonen")
        time.sleep(1.5)  # a restored draft would be saved within 10 ms
        live_db.expire_all()
        answer = live_db.scalar(select(WorksheetAnswer).where(WorksheetAnswer.exercise_key == "goals"))
        assert "Nyere tekst fra telefonen" in json.dumps(answer.data, ensure_ascii=False)
        assert _drafts(page, rita) == {}  # the stale draft is gone
