"""An admin records a course-leader training in the leader register and revokes it after
confirming; the staff pages, the profile and the demo mail viewer pass axe."""
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def people(live_db):
    factories.make_staff(roles=["admin"], email="admin@example.com", name="Ada Admin")
    factories.make_staff(roles=["course_leader"], email="leder@example.com", name="Lise Leder")
    factories.make_staff(roles=["guide"], email="delt@example.com", name="Siri Shared",
                         municipalities=[factories.MUNICIPALITY, factories.OTHER_MUNICIPALITY])
    factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()


def test_an_admin_keeps_the_leader_register(browser, browser_context_args, live_server, people, tmp_path):
    base = live_server.url
    page = browser.new_context(**browser_context_args).new_page()
    log_in(page, base, "admin@example.com")

    page.goto(base + "/staff/")
    expect(page.get_by_text("Betjener også andre kommuner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Kurslederregisteret").click()
    expect(page.get_by_role("heading", name="Kurslederregisteret")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Se og endre Lise Leder")).click()
    expect(page.get_by_text("Ingen opplæring er registrert.")).to_be_visible()

    page.get_by_label("Kvalifikasjon", exact=True).select_option("kib_leader")
    page.get_by_label(re.compile("Kursdato")).fill("2025-09-12")
    page.get_by_label("Kursbevis- eller kursnummer").fill("KIB-2025-9")
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_text("KiB-kursleder bygger på KiD-kursleder").first).to_be_visible()
    assert page.get_by_label("Kursbevis- eller kursnummer").input_value() == "KIB-2025-9"
    assert_accessible(page)

    page.get_by_label("Kvalifikasjon", exact=True).select_option("kid_leader")
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_text("Opplæringen er registrert.")).to_be_visible()
    expect(page.get_by_text("KIB-2025-9")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Trekk tilbake")).click()
    expect(page.get_by_text("Vil du trekke tilbake KiD-kursleder for Lise Leder?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, trekk tilbake").click()
    expect(page.get_by_text("Registreringen er trukket tilbake.")).to_be_visible()
    expect(page.get_by_text(re.compile("Trukket tilbake \\d"))).to_be_visible()

    page.goto(base + "/staff/invite")
    assert page.locator('input[name="municipalities"]').count() == 1  # only Drammen is offered
    assert_accessible(page)
    page.goto(base + "/staff/profile")
    expect(page.get_by_text("Kvalifikasjonene står i kurslederregisteret", exact=False)).to_be_visible()
    assert_accessible(page)

    live_server.app.config.update(MAIL_BACKEND="file", DEMO_MODE=True, MAIL_DIR=str(tmp_path / "mail"))
    with live_server.app.app_context():
        from selfhelp.channels.email import build_message, write_mail_file

        write_mail_file(build_message("rita@example.com", "Nytt passord i selfhelp",
                                      "Lenke: http://x/reset-password/abcdefghijklmnopqrstu", "<p>x</p>"),
                        "reset_password")
    page.goto(base + "/admin/mail")
    page.get_by_text("Nytt passord i selfhelp").click()
    expect(page.get_by_text("[lenke skjult]")).to_be_visible()
    assert_accessible(page)
