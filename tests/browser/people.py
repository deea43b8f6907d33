"""Shared steps for browser tests: logging in as someone (staff also give the app's code), and
reaching the header's menu, which a button folds away on phones."""
import re
import time

import pyotp

from tests import factories


def log_in(page, base: str, email: str, secret: str | None = None) -> None:
    """Password, then for staff the code from the authenticator app (factories.TOTP_SECRET)."""
    page.goto(base + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/(dashboard|login/two-factor/)$"))
    if page.url.endswith("/login/two-factor/"):
        give_code(page, secret or factories.TOTP_SECRET)
        page.wait_for_url(re.compile(r".*/dashboard"))


def give_code(page, secret: str) -> None:
    """Type the current code; a code is accepted once, so a second login of the same person in
    the same 30 seconds waits for the next one."""
    totp = pyotp.TOTP(secret)
    for _ in range(3):
        page.get_by_label("Kode").fill(totp.now())
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()
        if "/login/two-factor/" not in page.url:
            return
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
    raise AssertionError("the second factor was not accepted")


def menu(page):
    """The header, with its menu open: on a phone (the menu button is showing) the button is
    pressed first; on a wide screen the destinations and the account group are always there.
    Use it for header items: `menu(page).get_by_role("button", name="Logg ut").click()`."""
    button = page.locator("[data-menu-button]")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return page.locator("header")
