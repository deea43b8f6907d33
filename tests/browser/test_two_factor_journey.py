"""A guide sets up two-factor login in the browser and logs in with it."""
import re

import pyotp
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import give_code, menu


def test_a_guide_sets_up_the_app_and_logs_in_with_a_code(page, live_server, live_db):
    factories.make_staff(roles=["guide"], email="gro@example.com", name="Gro Guide",
                         second_factor=False)
    live_db.commit()
    base = live_server.url
    page.goto(base + "/login")
    page.get_by_label("E-post").fill("gro@example.com")
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/login/two-factor/setup$"))
    qr = page.get_by_role("img", name="QR-kode for autentiseringsappen")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('img.qr-code').naturalWidth") > 0  # CSP lets it draw
    assert_accessible(page)
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Kode").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bekreft og logg inn").click()
    expect(page.get_by_role("heading", name="Gjenopprettingskoder")).to_be_visible()
    assert page.locator(".recovery-codes code").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("fortsett")).click()
    page.wait_for_url(re.compile(r".*/dashboard"))
    menu(page).get_by_role("button", name="Logg ut").click()

    # The next login asks for the code from the app.
    page.goto(base + "/login")
    page.get_by_label("E-post").fill("gro@example.com")
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/login/two-factor/$"))
    assert_accessible(page)
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("Koden stemmer ikke").first).to_be_visible()
    give_code(page, secret)
    page.wait_for_url(re.compile(r".*/dashboard"))
    menu(page).get_by_role("navigation").get_by_role("link", name="Kø").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
