"""Sessions in a real browser: a cookie copied before logout opens nothing after it; on a shared
browser one person's unsaved text never reaches the next; the list of sessions and "Logg ut
overalt" (phone width, axe on every page)."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from selfhelp.accounts.models import UserSession
from selfhelp.clock import now
from tests import factories
from tests.browser.axe import assert_accessible, assert_fits_width
from tests.browser.people import log_in, menu

pytestmark = pytest.mark.browser

M1 = "/programs/depression/01-forsta-depresjon"


def test_an_old_cookie_opens_the_login_page_after_logging_out(page, browser, live_server, live_db):
    factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()
    base = live_server.url
    log_in(page, base, "rita@example.com")
    stolen = page.context.cookies()
    menu(page).get_by_role("button", name="Logg ut").click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()

    other = browser.new_context()
    other.add_cookies(stolen)
    thief = other.new_page()
    thief.goto(base + "/dashboard")
    assert re.search(r"/login\?next=", thief.url)
    expect(thief.get_by_role("heading", name="Logg inn")).to_be_visible()
    other.close()


def test_on_a_shared_browser_the_next_person_never_gets_the_first_persons_text(page, live_server,
                                                                               live_db):
    a = factories.make_resident(email="anne@example.com", name="Anne A")
    b = factories.make_resident(email="bjorn@example.com", name="Bjørn B")
    live_db.commit()
    base = live_server.url
    log_in(page, base, "anne@example.com")
    page.goto(base + "/programs/depression")
    page.get_by_role("button", name="Start programmet").click()
    page.wait_for_url(re.compile(".*" + M1))

    # Anne's login runs out while she writes (as the idle timeout would end it).
    live_db.execute(update(UserSession).where(UserSession.user_id == a.id)
                    .values(ended_at=now(), ended_reason="idle"))
    live_db.commit()
    box = page.locator("textarea[name='f-general_goal']")
    box.fill("Annes private mål")
    status = page.locator("form.worksheet", has=box).locator(".save-status")
    expect(status).to_contain_text("Ikke lagret ennå", timeout=20_000)
    keys = page.evaluate("Object.keys(localStorage)")
    assert any(k.startswith(f"ws-{a.id}-") for k in keys)

    # Bjørn logs in on the same browser.
    page.goto(base + "/login")
    page.get_by_label("E-post").fill("bjorn@example.com")
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/dashboard"))
    keys = page.evaluate("Object.keys(localStorage)")
    assert not any(k.startswith(f"ws-{a.id}-") for k in keys)
    page.goto(base + "/programs/depression")
    page.get_by_role("button", name="Start programmet").click()
    page.wait_for_url(re.compile(".*" + M1))
    assert page.locator("textarea[name='f-general_goal']").input_value() == ""
    expect(page.get_by_text("Annes private mål")).to_have_count(0)

    # Logging out clears what Bjørn left unsaved in this browser.
    page.evaluate(f"localStorage.setItem('ws-{b.id}-x', '{{}}')")
    menu(page).get_by_role("button", name="Logg ut").click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    assert not [k for k in page.evaluate("Object.keys(localStorage)") if k.startswith("ws-")]


def test_the_session_list_and_logging_out_everywhere(page, browser, live_server, live_db):
    factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()
    base = live_server.url
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    laptop = other.new_page()
    log_in(laptop, base, "rita@example.com")
    log_in(page, base, "rita@example.com")

    page.get_by_role("link", name="Konto: e-post, passord, varsler og dataene dine").click()
    expect(page.get_by_text("2 steder")).to_be_visible()
    page.get_by_role("link", name="Se og logg ut andre steder").click()
    expect(page.get_by_role("heading", name="Innlogginger")).to_be_visible()
    expect(page.locator(".session-list .ds-card")).to_have_count(2)
    expect(page.get_by_text("Denne enheten")).to_have_count(1)
    assert_accessible(page)
    assert_fits_width(page)

    page.get_by_role("link", name="Logg ut på alle andre enheter").click()
    expect(page.get_by_role("heading", name="Logg ut på alle andre enheter?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, logg ut de andre").click()
    expect(page.get_by_text("Du er logget ut på 1 annen enhet.")).to_be_visible()
    expect(page.locator(".session-list .ds-card")).to_have_count(1)
    laptop.goto(base + "/dashboard")
    assert "/login" in laptop.url

    page.get_by_role("link", name="Logg ut overalt").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, logg ut overalt").click()
    expect(page.get_by_text("Du er logget ut overalt, også her.")).to_be_visible()
    page.goto(base + "/dashboard")
    assert "/login" in page.url
    other.close()
