import re
from datetime import timedelta

from tests import factories
from tests.conftest import login, post_form
from tests.smtp import send_queued_mail, text_of

NEW = {"password": "my new long password", "password_confirm": "my new long password"}


def _request_reset(client, email):
    response = post_form(client, "/forgot-password", {"email": email})
    send_queued_mail()
    return response


def _link(mailbox) -> str:
    return re.search(r"http://localhost(/reset-password/\S+)", text_of(mailbox.messages[-1])).group(1)


def test_reset_link_sets_a_new_password_once(client, db, mailbox, app):
    factories.make_resident(email="rita@example.com")
    db.commit()
    response = _request_reset(client, "rita@example.com")
    assert "Hvis det finnes en konto" in response.get_data(as_text=True)
    link = _link(mailbox)
    assert post_form(client, link, NEW).status_code == 302
    assert client.get(link).status_code == 400
    fresh = app.test_client()
    ok = post_form(fresh, "/login", {"email": "rita@example.com", "password": NEW["password"]})
    assert ok.status_code == 302


def test_unknown_email_gets_the_same_neutral_message_and_no_mail(client, db, mailbox):
    response = _request_reset(client, "nobody@example.com")
    assert "Hvis det finnes en konto for nobody@example.com" in response.get_data(as_text=True)
    assert mailbox.messages == []  # _request_reset ran the sender


def test_reset_link_expires_after_an_hour(client, db, mailbox, clock):
    factories.make_resident(email="rita@example.com")
    db.commit()
    _request_reset(client, "rita@example.com")
    clock.shift(timedelta(minutes=61))
    response = client.get(_link(mailbox))
    assert response.status_code == 400 and "utløpt" in response.get_data(as_text=True)


def test_a_newer_reset_link_replaces_the_older(client, db, mailbox):
    factories.make_resident(email="rita@example.com")
    db.commit()
    _request_reset(client, "rita@example.com")
    first = _link(mailbox)
    _request_reset(client, "rita@example.com")
    assert client.get(first).status_code == 400
    assert client.get(_link(mailbox)).status_code == 200


def test_resetting_the_password_logs_out_other_sessions(app, db, mailbox):
    user = factories.make_resident(email="rita@example.com")
    db.commit()
    stolen = app.test_client()
    login(stolen, user)
    owner = app.test_client()
    _request_reset(owner, "rita@example.com")
    post_form(owner, _link(mailbox), NEW)
    assert stolen.get("/dashboard").status_code == 302


def test_mismatched_new_passwords_are_refused(client, db, mailbox):
    factories.make_resident(email="rita@example.com")
    db.commit()
    _request_reset(client, "rita@example.com")
    html = post_form(client, _link(mailbox), {**NEW, "password_confirm": "something else"}).get_data(as_text=True)
    assert "Passordene er ikke like." in html


def test_signup_still_works_when_the_mail_server_is_down(client, db, mailbox):
    from tests.accounts.test_signup import GOOD

    mailbox.stop()
    try:
        response = post_form(client, "/signup", GOOD)
    finally:
        mailbox.start()
    assert response.status_code == 302  # the account exists; the link can be sent again
