"""A course leader runs KiD and DU cohorts; residents find, apply, wait and get a seat (phone width)."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import apply_in_steps, log_in

pytestmark = pytest.mark.browser

TODAY = datetime.now(timezone.utc).date()
FIRST = TODAY + timedelta(weeks=3)
while FIRST.weekday() != 1:  # a Tuesday
    FIRST += timedelta(days=1)


def _born(age: int) -> date:
    return FIRST.replace(year=FIRST.year - age, day=1)


@pytest.fixture
def people(live_db):
    leader = factories.make_staff(roles=["course_leader"], email="leder@example.com", name="Lise Leder",
                                  qualifications=["kid_leader", "du_leader"])
    factories.make_staff(roles=["course_leader"], email="leder2@example.com", name="Dag Duo",
                         qualifications=["du_leader"])
    for email, name, age in (("anna@example.com", "Anna Først", 40), ("bjorn@example.com", "Bjørn Neste", 30),
                             ("ung@example.com", "Ung Person", 15)):
        resident = factories.make_resident(email=email, name=name)
        resident.birth_date = _born(age)
    live_db.commit()
    return leader


def _as(browser, browser_context_args, base, email):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, base, email)
    return page


def _create(page, base, course, capacity, leaders):
    page.goto(base + "/leader/cohorts/new")
    page.get_by_label("Kurs", exact=True).select_option(course)
    for name in leaders:
        page.get_by_label(re.compile(name)).check()
    page.get_by_label("Dato for første samling").fill(FIRST.isoformat())
    page.get_by_label("Klokkeslett").fill("18:00")
    page.get_by_label("Antall plasser").fill(str(capacity))
    page.get_by_label("Søknadsfrist").fill((FIRST - timedelta(days=3)).isoformat())
    page.get_by_label("Sted (adresse)").fill("Biblioteket, Drammen")
    assert_accessible(page)
    page.get_by_role("button", name="Lagre og se timeplanen").click()
    expect(page.get_by_text("Utkast – ikke synlig for innbyggere ennå")).to_be_visible()
    expect(page.get_by_text("kl. 18.00")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("button", name="Publiser kurset").click()
    expect(page.get_by_text("Kurset er publisert")).to_be_visible()
    return page.url


def _apply(page, base, course_name):
    page.goto(base + "/courses/")
    page.get_by_role("link", name=course_name).first.click()
    apply_in_steps(page, "Få mer overskudd i hverdagen")
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    page.get_by_role("link", name="Gå til Mine kurs").click()
    page.wait_for_url(re.compile(r".*/courses/mine"))


def test_leader_runs_kid_and_du_and_residents_move_through_the_waiting_list(
        browser, browser_context_args, live_server, people):
    base = live_server.url
    leader = _as(browser, browser_context_args, base, "leder@example.com")
    kid_url = _create(leader, base, "KiD", 1, ["Lise"])
    du_url = _create(leader, base, "DU", 6, ["Lise", "Dag"])

    anna = _as(browser, browser_context_args, base, "anna@example.com")
    anna.goto(base + "/courses/")
    assert_accessible(anna)
    _apply(anna, base, "Kurs i mestring av depresjon")
    expect(anna.get_by_text("Søknad mottatt")).to_be_visible()

    leader.goto(kid_url)
    leader.get_by_role("link", name=re.compile("Søknader")).click()
    assert_accessible(leader)
    leader.get_by_role("link", name="Anna Først").click()
    assert_accessible(leader)
    leader.get_by_role("button", name="Ta opp").click()
    expect(leader.get_by_text("Søkeren er tatt opp.")).to_be_visible()

    bjorn = _as(browser, browser_context_args, base, "bjorn@example.com")
    _apply(bjorn, base, "Kurs i mestring av depresjon")
    expect(bjorn.get_by_text("På venteliste nr. 1")).to_be_visible()

    anna.goto(base + "/courses/mine")
    expect(anna.get_by_text("Tatt opp")).to_be_visible()
    assert_accessible(anna)
    # Leaving asks first; cancelling keeps the place.
    anna.get_by_role("link", name="Meld meg av kurset").click()
    expect(anna.get_by_role("heading", name="Er du sikker?")).to_be_visible()
    assert_accessible(anna)
    anna.get_by_role("link", name="Nei, avbryt").click()
    expect(anna.get_by_text("Tatt opp")).to_be_visible()
    anna.get_by_role("link", name="Meld meg av kurset").click()
    anna.get_by_role("button", name="Ja, meld meg av kurset").click()
    expect(anna.get_by_text("Du har meldt deg av kurset.")).to_be_visible()
    bjorn.goto(base + "/courses/mine")
    expect(bjorn.get_by_text("Tatt opp")).to_be_visible()
    expect(bjorn.get_by_role("heading", name="Timeplan, tema og hjemmeoppgaver")).to_be_visible()
    expect(bjorn.get_by_role("link", name="Legg kurset i kalenderen din (abonnement)")).to_be_visible()

    leader.goto(kid_url)
    leader.get_by_role("link", name=re.compile("Oppmøte")).first.click()
    leader.get_by_label("Til stede").check()
    leader.get_by_role("button", name="Lagre oppmøte").click()
    expect(leader.get_by_role("cell", name="Til stede")).to_be_visible()
    assert_accessible(leader)

    young = _as(browser, browser_context_args, base, "ung@example.com")
    young.goto(base + "/courses/")
    young.get_by_role("link", name="Kurs i mestring av depresjon").first.click()
    expect(young.get_by_text("Du er under aldersgrensen for dette kurset.")).to_be_visible()
    expect(young.get_by_role("link", name="Søk på kurset")).to_have_count(0)

    young.goto(base + "/courses/")
    young.get_by_role("link", name="Mestringskurs for ungdom").first.click()
    young.get_by_role("link", name="Søk på kurset").click()
    expect(young.get_by_text("Du er under 16 år")).to_be_visible()
    assert_accessible(young)
    young.get_by_role("link", name="Start søknaden").click()
    expect(young.get_by_text("Steg 1 av 4")).to_be_visible()
    young.get_by_label("Hva ønsker du å få ut av kurset?").fill("Bli tryggere på skolen")
    young.get_by_role("button", name="Fortsett").click()
    # The error summary names the item that is missing (item 9 here), not the first.
    for item in range(1, 9):
        young.locator(f"#q{item}-0").check()
    young.get_by_role("button", name="Fortsett").click()
    expect(young.get_by_role("link", name="Spørsmål 9: Svar på dette spørsmålet.")).to_be_visible()
    assert_accessible(young)
    young.locator("#q9-0").check()
    young.get_by_role("button", name="Fortsett").click()
    # Back and forth keeps what was typed and chosen.
    young.get_by_role("link", name="Tilbake").click()
    expect(young.locator("#q3-0")).to_be_checked()
    young.get_by_role("link", name="Tilbake").click()
    expect(young.get_by_label("Hva ønsker du å få ut av kurset?")).to_have_value("Bli tryggere på skolen")
    young.get_by_role("button", name="Fortsett").click()
    expect(young.locator("#q9-0")).to_be_checked()
    young.get_by_role("button", name="Fortsett").click()
    expect(young.get_by_text("Steg 3 av 4")).to_be_visible()
    young.get_by_label("Navn på forelder eller foresatt").fill("Mamma Person")
    young.get_by_role("button", name="Fortsett").click()
    expect(young.locator("#guardian_contact-error")).to_contain_text("telefonnummeret eller e-postadressen")
    expect(young.locator("#guardian_name-error")).to_have_count(0)
    expect(young.get_by_label("Telefon eller e-post til forelder eller foresatt")).to_have_attribute(
        "aria-invalid", "true")
    assert_accessible(young)
    young.get_by_label("Telefon eller e-post til forelder eller foresatt").fill("900 11 222")
    young.get_by_role("button", name="Fortsett").click()
    expect(young.get_by_role("heading", name="Se over svarene dine")).to_be_visible()
    expect(young.get_by_text("Mamma Person")).to_be_visible()
    assert_accessible(young)
    young.get_by_role("link", name="Endre hva du ønsker å få ut av kurset").click()
    young.get_by_label("Hva ønsker du å få ut av kurset?").fill("Bli tryggere på skolen og hjemme")
    young.get_by_role("button", name="Fortsett").click()
    expect(young.get_by_text("Bli tryggere på skolen og hjemme")).to_be_visible()
    young.get_by_role("button", name="Send søknaden").click()
    expect(young.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    expect(young.get_by_text("for å få samtykke")).to_be_visible()
    assert_accessible(young)
    young.get_by_role("link", name="Gå til Mine kurs").click()
    expect(young.get_by_text("Søknad mottatt")).to_be_visible()

    leader.goto(du_url)
    leader.get_by_role("link", name=re.compile("Søknader")).click()
    leader.get_by_role("link", name="Ung Person").click()
    leader.get_by_role("button", name="Ta opp").click()
    expect(leader.get_by_text("bekreft samtykke fra foresatt før opptak")).to_be_visible()
    leader.get_by_role("button", name="Jeg har snakket med foresatt, som samtykker").click()
    leader.get_by_role("button", name="Ta opp").click()
    expect(leader.get_by_text("Søkeren er tatt opp.")).to_be_visible()
