"""The weekly loop in a browser: check-in -> queue -> one screen -> snippet -> feedback -> reply;
a risk answer jumps the queue and must be acknowledged."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from selfhelp.checkins import services
from selfhelp.checkins.models import Snippet
from selfhelp.clock import local, now
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in
from tests.programs.helpers import enrol

pytestmark = pytest.mark.browser


@pytest.fixture
def loop(live_db):
    admin = factories.make_staff(roles=["admin"], email="admin@example.com")
    guide = factories.make_staff(roles=["guide"], email="guide@example.com", name="Gro Guide")
    people = []
    for email, name in (("rita@example.com", "Rita Resident"), ("rolf@example.com", "Rolf Risiko")):
        resident = factories.make_resident(email=email, name=name)
        enrolment = enrol(resident, "depression", now() - timedelta(weeks=1))
        enrolment.start_date = local(now()).date() - timedelta(weeks=1)
        services.assign_guide(admin, enrolment, guide, now())
        people.append(resident)
    live_db.add(Snippet(owner_id=None, municipality_code=factories.MUNICIPALITY, title="Oppmuntring", body="Hei {fornavn}, så fint at du prøver!",
                        created_at=now()))
    live_db.commit()
    return people


def _context(browser, browser_context_args, base, email):
    page = browser.new_context(**browser_context_args).new_page()
    log_in(page, base, email)
    return page


def test_weekly_check_in_feedback_and_risk_follow_up(browser, browser_context_args, live_server, loop):
    base = live_server.url
    rita = _context(browser, browser_context_args, base, "rita@example.com")
    rita.get_by_role("link", name="Ukens sjekk-inn med veilederen").click()
    assert_accessible(rita)
    rita.get_by_label("Hvordan har denne uka vært?").fill("Jeg gikk tur tre ganger. Søvnen er fortsatt dårlig.")
    rita.get_by_role("button", name="Send sjekk-inn").click()
    expect(rita.get_by_text("Takk! Sjekk-inn er sendt.")).to_be_visible()

    rolf = _context(browser, browser_context_args, base, "rolf@example.com")
    rolf.goto(base + "/programs/depression/questionnaires/PHQ-9/start")
    for item, value in enumerate([1, 1, 1, 1, 1, 1, 1, 1, 1], start=1):
        rolf.locator(f"#q{item}-{value}").check()
    rolf.get_by_role("button", name="Send svarene").click()
    expect(rolf.get_by_role("heading", name="Takk for at du svarte ærlig")).to_be_visible()

    guide = _context(browser, browser_context_args, base, "guide@example.com")
    guide.goto(base + "/guide/")
    assert_accessible(guide)
    items = guide.locator(".queue-item > a").all_inner_texts()
    assert items[:2] == ["Rolf Risiko", "Rita Resident"], items  # the risk flag jumps the queue

    guide.get_by_role("link", name="Rolf Risiko").click()
    assert_accessible(guide)
    # A risk answer at the start: the flag, and the intake "assessment needed" task beside it.
    flag = guide.locator(".flag-item").filter(has_text="tanker om å være død")
    flag.get_by_label("Ringt personen").check()
    flag.get_by_label("Notat").fill("Ringt Rolf. Ingen akutt fare, avtalt ny samtale.")
    flag.get_by_role("button", name="Registrer oppfølging").click()
    expect(guide.get_by_text("Oppfølgingen er registrert.")).to_be_visible()

    guide.goto(base + "/guide/")
    guide.get_by_role("link", name="Rita Resident").click()
    expect(guide.get_by_text("Jeg gikk tur tre ganger.")).to_be_visible()
    guide.get_by_label("Sett inn mal").select_option(label="Oppmuntring (felles)")
    guide.get_by_role("button", name="Sett inn").click()
    expect(guide.get_by_role("textbox", name="Tilbakemelding")).to_have_value(re.compile("Hei Rita, så fint at du prøver!"))
    body = guide.get_by_role("textbox", name="Tilbakemelding")
    body.fill(body.input_value() + "\n\n**Søvn**: prøv å stå opp til samme tid hver dag.")
    guide.get_by_role("button", name="Send tilbakemelding og lukk sjekk-inn").click()
    expect(guide.get_by_text("Tilbakemeldingen er sendt")).to_be_visible()

    rita.goto(base + "/messages")
    expect(rita.locator(".message-body strong", has_text="Søvn")).to_be_visible()
    assert_accessible(rita)
    rita.get_by_label("Skriv en melding").fill("Takk, det skal jeg prøve!")
    rita.get_by_role("button", name="Send").click()
    expect(rita.get_by_text("Meldingen er sendt til veilederen din.")).to_be_visible()
    guide.goto(base + "/guide/caseload")
    guide.get_by_role("link", name="Rita Resident").click()
    expect(guide.get_by_text("Takk, det skal jeg prøve!")).to_be_visible()
    rita.reload()
    # Rita sees that her guide read her reply; on the guide's feedback she sees no receipt.
    expect(rita.locator(".message.from-resident", has_text="Takk, det skal jeg prøve!")).to_contain_text("Lest")
    expect(rita.locator(".message.from-staff", has_text="Søvn")).not_to_contain_text("lest")
