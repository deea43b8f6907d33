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


def apply_in_steps(page, motivation: str, answers: list[int] | None = None,
                   guardian: tuple[str, str] | None = None, send: bool = True) -> None:
    """From a cohort's page: "Søk på kurset", one step per page, "Se over svarene dine", send.
    `answers` are the PHQ-9 options item by item (all 0 by default); with `guardian` (name,
    contact) the DU step for under-16s is filled in too."""
    page.get_by_role("link", name="Søk på kurset").click()
    page.get_by_role("link", name=re.compile("Start søknaden|Fortsett søknaden")).click()
    page.get_by_label("Hva ønsker du å få ut av kurset?").fill(motivation)
    page.get_by_role("button", name="Fortsett").click()
    for item, value in enumerate(answers or [0] * 9, start=1):
        page.locator(f"#q{item}-{value}").check()
    page.get_by_role("button", name="Fortsett").click()
    if guardian is not None:
        page.get_by_label("Navn på forelder eller foresatt").fill(guardian[0])
        page.get_by_label("Telefon eller e-post til forelder eller foresatt").fill(guardian[1])
        page.get_by_role("button", name="Fortsett").click()
    page.get_by_role("heading", name="Se over svarene dine").wait_for()
    if send:
        page.get_by_role("button", name="Send søknaden").click()
def menu(page):
    """The header, with its menu open: on a phone (the menu button is showing) the button is
    pressed first; on a wide screen the destinations and the account group are always there.
    Use it for header items: `menu(page).get_by_role("button", name="Logg ut").click()`."""
    button = page.locator("[data-menu-button]")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return page.locator("header")


def fill_birth_date(page, day: str, month: str, year: str) -> None:
    """The sign-up page's birth date: three boxes, day, month and year."""
    page.get_by_role("group", name="Fødselsdato").get_by_label("Dag", exact=True).fill(day)
    page.get_by_role("group", name="Fødselsdato").get_by_label("Måned", exact=True).fill(month)
    page.get_by_role("group", name="Fødselsdato").get_by_label("År", exact=True).fill(year)
