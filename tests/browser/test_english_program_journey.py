"""A resident who reads English on a phone opens every program and its first and last module in
English, with an axe check on each page."""
import pytest
from playwright.sync_api import expect

from selfhelp.content import get_catalogue
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser


def test_every_program_reads_in_english_and_passes_axe(page, live_server, live_db):
    from sqlalchemy import update

    from selfhelp.programs.models import Enrolment

    factories.make_resident(email="emma@example.com", name="Emma Reader", locale="en")
    live_db.commit()
    base = live_server.url
    log_in(page, base, "emma@example.com")
    for program in get_catalogue().programs.values():
        page.goto(f"{base}/programs/{program.slug}")
        expect(page.get_by_role("heading", level=1)).to_have_text(program.title["en"])
        assert_accessible(page)
        page.get_by_role("button", name="Start the programme").click()
        expect(page.get_by_text("Module 1 of")).to_be_visible()
        live_db.execute(update(Enrolment).values(unlocked_through=99))
        live_db.commit()
        for module in (program.modules[0], program.modules[-1]):
            page.goto(f"{base}/programs/{program.slug}/{module.slug}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(module.text("en").title)
            assert page.locator("html").get_attribute("lang") == "en"
            assert_accessible(page)
