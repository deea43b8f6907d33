import re
from datetime import timedelta

from sqlalchemy import select

from selfhelp.accounts.models import User
from tests.conftest import post_form
from tests.accounts.test_signup import GOOD
from tests.smtp import send_queued_mail, text_of

LINK = re.compile(r"http://localhost(/\S+)")


def _signup(client, mailbox) -> str:
    post_form(client, "/signup", GOOD)
    send_queued_mail()
    return LINK.search(text_of(mailbox.messages[-1])).group(1)


def test_clicking_the_link_verifies_the_email(client, db, mailbox, clock):
    path = _signup(client, mailbox)
    response = client.get(path)
    assert response.status_code == 302
    user = db.scalar(select(User))
    db.refresh(user)
    assert user.email_verified_at is not None


def test_a_verification_link_works_only_once(client, db, mailbox):
    path = _signup(client, mailbox)
    client.get(path)
    again = client.get(path)
    assert again.status_code == 400
    assert "allerede brukt" in again.get_data(as_text=True)


def test_an_expired_verification_link_is_refused(client, db, mailbox, clock):
    path = _signup(client, mailbox)
    clock.shift(timedelta(hours=49))
    response = client.get(path)
    assert response.status_code == 400
    assert "utløpt" in response.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(User)).email_verified_at is None


def test_an_unknown_link_is_refused(client, db):
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 400
    assert "ikke gyldig" in response.get_data(as_text=True)


def test_asking_for_a_new_link_retires_the_old_one(client, db, mailbox):
    first = _signup(client, mailbox)
    response = post_form(client, "/verify/resend", {}, page="/signup/check-email")
    assert response.status_code == 302
    send_queued_mail()
    second = LINK.search(text_of(mailbox.messages[-1])).group(1)
    assert first != second
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 302
