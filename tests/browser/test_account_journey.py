"""A resident on a phone: sign up -> verify -> log in -> switch language -> log out, axe on every page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.people import fill_birth_date, menu
from tests.smtp import send_queued_mail, text_of

pytestmark = pytest.mark.browser


def test_resident_signs_up_verifies_logs_in_switches_language_and_logs_out(page, live_server, mailbox):
    base = live_server.url
    page.goto(base + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Kom i gang").click()
    assert_accessible(page)

    # A first attempt with a mistake keeps what was typed and says what to fix.
    page.get_by_label("Fullt navn").fill("Kari Nordmann")
    page.get_by_label("E-post").fill("kari@example.com")
    page.get_by_label("Passord", exact=True).fill("et langt passord")
    page.get_by_label("Gjenta passordet").fill("noe annet helt")
    fill_birth_date(page, "17", "5", "1990")
    page.get_by_label("Kommune du bor i").select_option("3301")
    page.get_by_label("Fastlegen").check()
    page.get_by_label("Jeg har lest og godtar").check()
    page.get_by_role("button", name="Opprett konto").click()
    expect(page.get_by_text("Passordene er ikke like.").first).to_be_visible()
    assert page.get_by_label("Fullt navn").input_value() == "Kari Nordmann"
    assert_accessible(page)

    page.get_by_label("Passord", exact=True).fill("et langt passord")
    page.get_by_label("Gjenta passordet").fill("et langt passord")
    page.get_by_label("Jeg har lest og godtar").check()
    page.get_by_role("button", name="Opprett konto").click()
    page.wait_for_url(re.compile(r".*/signup/check-email"))
    assert_accessible(page)

    with live_server.app.app_context():  # the scheduler's next pass
        send_queued_mail()
    link = re.search(r"(http://\S+/verify/\S+)", text_of(mailbox.messages[-1])).group(1)
    page.goto(link)
    # The link confirms the address but never logs in: the person logs in with the password.
    page.wait_for_url(re.compile(r".*/login"))
    expect(page.get_by_text("E-postadressen din er bekreftet")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("E-post").fill("kari@example.com")
    page.get_by_label("Passord").fill("et langt passord")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/dashboard"))
    expect(page.get_by_role("heading", name="Hei, Kari")).to_be_visible()

    menu(page).get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Hi, Kari")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    page.reload()
    expect(menu(page).get_by_role("link", name="My page")).to_be_visible()

    menu(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"  # the choice sticks after logout


@pytest.mark.parametrize("path", ["/", "/help", "/login", "/signup", "/forgot-password", "/terms",
                                  "/privacy", "/no-such-page"])
def test_public_pages_pass_axe_at_phone_and_desktop_width(page, live_server, path):
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + path)
        assert_accessible(page)
        # Nothing sideways-scrolls at phone width.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
