import re

import pytest
from sqlalchemy import select

from selfhelp.accounts.models import User
from tests.conftest import post_form
from tests.smtp import send_queued_mail, text_of

GOOD = {
    "name": "Kari Nordmann", "email": "Kari@Example.com", "password": "a long password",
    "password_confirm": "a long password", "birth_date": "1990-05-17", "municipality": "3301",
    "phone": "912 34 567", "referral_source": "gp", "accept_terms": "y",
}


def test_resident_signs_up_without_referral_and_gets_a_verification_link(client, db, mailbox):
    response = post_form(client, "/signup", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/signup/check-email")
    user = db.scalar(select(User).where(User.email == "kari@example.com"))
    assert user.has_role("resident") and not user.is_staff
    assert user.municipality_code == "3301" and user.referral_source == "gp"
    assert user.terms_version == "2026-11" and user.terms_accepted_at is not None
    assert user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    send_queued_mail()
    [mail] = mailbox.messages
    assert mail["To"] == "kari@example.com"
    assert "/verify/" in text_of(mail)


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Skriv navnet ditt."),
    ("name", "x" * 121, "Navnet kan ha høyst 120 tegn."),
    ("email", "not-an-email", "Skriv en gyldig e-postadresse"),
    ("email", "a" * 250 + "@x.no", "høyst 254 tegn"),
    ("password", "short", "minst 10 tegn"),
    ("password_confirm", "a different one", "Passordene er ikke like."),
    ("birth_date", "17.05.1990x", "Skriv datoen som dag.måned.år"),
    ("birth_date", "", "Skriv fødselsdatoen din"),
    ("birth_date", "2999-01-01", "kan ikke være i framtiden"),
    ("municipality", "9999", "Velg kommunen du bor i."),
    ("phone", "abc", "telefonnummer"),
    ("referral_source", "", "Velg hvordan du hørte om oss."),
    ("accept_terms", "", "Du må godta vilkårene"),
])
def test_bad_signup_input_gets_a_clear_message_and_keeps_what_was_typed(client, db, field, value, message):
    data = {**GOOD, field: value}
    response = post_form(client, "/signup", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html or field in ("referral_source",)
    if field != "name":
        assert 'value="Kari Nordmann"' in html  # what was typed is still there
    assert db.scalar(select(User)) is None


def test_children_under_fourteen_cannot_sign_up_but_fourteen_year_olds_can(client, db, clock, mailbox):
    # The clock stands at 2 March 2026.
    refused = post_form(client, "/signup", {**GOOD, "birth_date": "2012-03-03"})
    assert "minst 14 år" in refused.get_data(as_text=True)
    accepted = post_form(client, "/signup", {**GOOD, "birth_date": "2012-03-02"})
    assert accepted.status_code == 302


def test_an_email_can_only_have_one_account(client, db, mailbox):
    post_form(client, "/signup", GOOD)
    other = client.application.test_client()
    response = post_form(other, "/signup", {**GOOD, "email": "KARI@example.com ", "name": "Someone"})
    # The answer does not say so (see tests/boundary/test_signup_privacy.py): the owner is told.
    assert response.headers["Location"].endswith("/signup/check-email")
    assert len(db.scalars(select(User)).all()) == 1
    assert db.scalar(select(User)).name == "Kari Nordmann"


def test_missing_csrf_token_keeps_the_form_and_saves_nothing(client, db):
    response = client.post("/signup", data=GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Siden var utløpt" in html
    assert 'value="Kari Nordmann"' in html and 'value="912 34 567"' in html
    assert db.scalar(select(User)) is None


def test_signup_in_english_shows_english_messages(client, db):
    client.set_cookie("lang", "en")
    response = post_form(client, "/signup", {**GOOD, "password_confirm": "nope nope nope"})
    assert "The passwords do not match." in response.get_data(as_text=True)


def _in_boxes(day: str, month: str, year: str) -> dict:
    data = {k: v for k, v in GOOD.items() if k != "birth_date"}
    return {**data, "birth_date-day": day, "birth_date-month": month, "birth_date-year": year}


def test_the_birth_date_is_three_boxes_day_month_year(client, db, mailbox):
    page = client.get("/signup").get_data(as_text=True)
    for part in ("day", "month", "year"):
        assert f'name="birth_date-{part}"' in page and f'autocomplete="bday-{part}"' in page
    assert 'type="date"' not in page  # the browser's own date box shows mm/dd/yyyy in some setups
    assert post_form(client, "/signup", _in_boxes("7", "5", "1990")).status_code == 302
    user = db.scalar(select(User).where(User.email == "kari@example.com"))
    assert user.birth_date.isoformat() == "1990-05-07"


@pytest.mark.parametrize("day, month, year, message", [
    ("31", "2", "1990", "en dato som finnes: dag, måned og år med tall"),
    ("17", "mai", "1990", "en dato som finnes: dag, måned og år med tall"),
    ("17", "5", "90", "en dato som finnes: dag, måned og år med tall"),
    ("", "", "", "Skriv fødselsdatoen din"),
    ("1", "1", "2999", "kan ikke være i framtiden"),
])
def test_a_wrong_birth_date_is_named_and_the_boxes_keep_what_was_typed(client, db, day, month, year,
                                                                       message):
    html = post_form(client, "/signup", _in_boxes(day, month, year), page="/signup").get_data(as_text=True)
    assert message in html
    assert html.count('aria-invalid="true"') >= 3  # all three boxes are marked
    for part, value in (("day", day), ("month", month), ("year", year)):
        kept = re.search(rf'name="birth_date-{part}"\s+value="([^"]*)"', html)
        assert kept and kept.group(1) == value, part
