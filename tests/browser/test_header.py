"""The header on a phone and on a desktop screen: the menu button folds the destinations away on
phones, works from the keyboard, and without JavaScript the menu simply stays open."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser


def test_phone_menu_opens_and_closes_and_akutt_hjelp_stays_in_view(page, live_server, live_db):
    factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()
    log_in(page, live_server.url, "rita@example.com")
    crisis = page.get_by_role("link", name="Akutt hjelp").first
    button = page.get_by_role("button", name="Meny")
    destinations = page.get_by_role("navigation", name="Hovedmeny")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(crisis).to_be_visible()
    assert page.locator("header").bounding_box()["height"] < 100
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(destinations).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(destinations.get_by_role("link", name="Min side")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="Konto", exact=True)).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(destinations).to_be_hidden()
    page.keyboard.press("Enter")
    expect(destinations).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(button).to_be_hidden()
    expect(crisis).to_be_visible()
    expect(destinations.get_by_role("link", name="Program")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert_accessible(page)


def test_without_javascript_the_menu_stays_open_on_a_phone(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Meny")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Logg inn")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("link", name="Akutt hjelp").first).to_be_visible()
    # Close only when every request (the favicon too) is answered: a connection closed mid-file
    # leaves the live server's file open, an unraisable ResourceWarning.
    page.wait_for_load_state("networkidle")
    context.close()
