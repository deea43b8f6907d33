"""Sign-up never reveals that an address already has an account; its owner is told by email."""
from __future__ import annotations

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from tests.accounts.test_signup import GOOD
from tests.conftest import post_form
from tests.smtp import send_queued_mail, text_of


def _answer(app, email):
    client = app.test_client()
    response = post_form(client, "/signup", {**GOOD, "email": email})
    page = client.get(response.headers.get("Location", "/signup"))
    return client, response, page


def test_signing_up_with_a_known_address_answers_as_for_a_new_one(app, db, personas, mailbox):
    known = personas["resident"].email
    _, new_response, new_page = _answer(app, "brand-new@example.com")
    _, known_response, known_page = _answer(app, known)
    assert new_response.status_code == known_response.status_code == 302
    assert new_response.headers["Location"] == known_response.headers["Location"]
    assert new_page.status_code == known_page.status_code == 200
    new_html = new_page.get_data(as_text=True).replace("brand-new@example.com", "ADDRESS")
    known_html = known_page.get_data(as_text=True).replace(known, "ADDRESS")
    strip = lambda html: "\n".join(l for l in html.splitlines() if "csrf" not in l)  # noqa: E731
    assert strip(new_html) == strip(known_html)
    assert "Det finnes allerede" not in known_html
    assert db.scalar(select(func.count()).select_from(User).where(User.email == known)) == 1


def test_the_owner_of_a_known_address_is_told_by_email_with_login_and_reset_links(app, db, personas,
                                                                                   mailbox):
    known = personas["resident"]
    _answer(app, known.email.upper())
    send_queued_mail()
    [mail] = mailbox.messages
    assert mail["To"] == known.email
    body = text_of(mail)
    assert "Noen prøvde nettopp å opprette en ny konto" in body
    assert "http://localhost/login" in body and "http://localhost/forgot-password" in body
    db.expire_all()
    assert db.get(User, known.id).name == "Rita Resident"  # nothing about the account changed


def test_sign_up_does_not_log_in_and_the_link_only_confirms_the_address(app, db, mailbox):
    client, _, page = _answer(app, "new@example.com")
    assert "new@example.com" in page.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not logged in
    send_queued_mail()
    link = text_of(mailbox.messages[-1]).split("http://localhost", 1)[1].split()[0]
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/dashboard").status_code == 302
    assert db.scalar(select(User).where(User.email == "new@example.com")).email_verified_at


def test_asking_again_for_a_known_address_sends_no_verification_link(app, db, personas, mailbox):
    client, _, _ = _answer(app, personas["resident"].email)
    send_queued_mail()
    mailbox.clear()
    response = post_form(client, "/verify/resend", {}, page="/signup/check-email")
    assert response.status_code == 302
    send_queued_mail()
    assert "Vi har sendt en ny lenke" in client.get("/signup/check-email").get_data(as_text=True)
    assert mailbox.messages == []  # the resident's address is verified: nothing to send
