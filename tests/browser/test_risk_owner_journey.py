"""A course applicant answers the risk question: the crisis page names the course leader, the
leader sees and follows up the flag on the cohort page, and the admin sees the open-flags page
(phone width, axe on every new page)."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import apply_in_steps, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cohort(live_db):
    leader = factories.make_staff(roles=["course_leader"], email="leder@example.com", name="Lise Leder",
                                  qualifications=["kid_leader"])
    factories.make_staff(roles=["admin"], email="admin@example.com", name="Ada Admin")
    factories.make_resident(email="sara@example.com", name="Sara Søker")
    cohort = factories.make_cohort(leaders=[leader])
    live_db.commit()
    return cohort.id


def _as(browser, browser_context_args, base, email):
    page = browser.new_context(**browser_context_args).new_page()
    log_in(page, base, email)
    return page


def test_an_applicant_s_risk_answer_reaches_the_leader_who_follows_it_up(
        browser, browser_context_args, live_server, cohort):
    base = live_server.url
    sara = _as(browser, browser_context_args, base, "sara@example.com")
    sara.goto(f"{base}/courses/{cohort}")
    apply_in_steps(sara, "Komme meg gjennom vinteren", [1] * 9, send=False)
    expect(sara.get_by_text("Komme meg gjennom vinteren")).to_be_visible()
    assert_accessible(sara)
    sara.get_by_role("button", name="Send søknaden").click()
    expect(sara.get_by_role("heading", name="Takk for at du svarte ærlig")).to_be_visible()
    expect(sara.get_by_text("Kurslederen din ser svaret ditt og tar kontakt med deg.")).to_be_visible()
    assert_accessible(sara)
    sara.get_by_role("link", name="Les om andre måter å få hjelp på").click()
    expect(sara.get_by_role("heading", name="Du kan trenge mer enn selvhjelp")).to_be_visible()
    assert_accessible(sara)

    admin = _as(browser, browser_context_args, base, "admin@example.com")
    admin.get_by_role("link", name="Åpne risikovarsler").click()
    expect(admin.get_by_role("heading", name="Åpne risikovarsler", exact=True)).to_be_visible()
    expect(admin.get_by_text("Kursledere for KiD: Lise Leder").first).to_be_visible()
    assert_accessible(admin)

    leader = _as(browser, browser_context_args, base, "leder@example.com")
    leader.goto(f"{base}/leader/cohorts/{cohort}")
    flags = leader.locator("article.flag-item")
    expect(flags).to_have_count(2)  # the risk flag and the "assessment needed" task
    assert_accessible(leader)
    first = flags.first
    first.get_by_label("Ringt personen").check()
    first.get_by_label("Notat").fill("Ringte Sara. Ingen akutt fare, avtalt forsamtale torsdag.")
    first.get_by_role("button", name="Registrer oppfølging").click()
    expect(leader.get_by_text("Oppfølgingen er registrert.")).to_be_visible()
    expect(leader.locator("article.flag-item")).to_have_count(1)

    admin.reload()
    expect(admin.get_by_role("heading", name="1 åpent varsel")).to_be_visible()
