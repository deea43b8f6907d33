"""Account mail goes through the outbox: not sent inside the request, its link's token never
readable in the outbox table, and sent at once whatever the person's notification settings."""
import re
from datetime import datetime, timezone

from sqlalchemy import select

from selfhelp.notifications import centre
from selfhelp.notifications.models import Notification, NotificationSettings
from tests import factories
from tests.conftest import post_form
from tests.smtp import send_queued_mail, text_of

LINK = re.compile(r"http://localhost/reset-password/(\S+)")


def _reset_rows(db) -> list[Notification]:
    db.expire_all()
    return list(db.scalars(select(Notification).where(Notification.kind == "reset_password")))


def test_a_reset_link_waits_in_the_outbox_with_its_token_encrypted_and_leaves_without_it(
        client, db, mailbox, clock):
    rita = factories.make_resident(email="rita@example.com")
    db.commit()
    post_form(client, "/forgot-password", {"email": "rita@example.com"})
    assert mailbox.messages == []  # nothing is sent inside the request
    [waiting] = _reset_rows(db)
    stored, sealed = repr(waiting.context), "secret" in waiting.context
    send_queued_mail()
    [mail] = mailbox.messages
    token = LINK.search(text_of(mail)).group(1)
    assert sealed and token not in stored  # sealed, not readable
    [sent] = _reset_rows(db)
    assert sent.state == "sent" and "secret" not in sent.context and token not in repr(sent.context)
    assert centre.latest(rita.id) == []  # account mail is not a notice in the bell


def test_a_reset_link_replaced_before_it_was_sent_is_not_sent(client, db, mailbox, clock):
    factories.make_resident(email="rita@example.com")
    db.commit()
    post_form(client, "/forgot-password", {"email": "rita@example.com"})
    post_form(client, "/forgot-password", {"email": "rita@example.com"})
    send_queued_mail()
    [mail] = mailbox.messages  # only the link that still works
    assert client.get("/reset-password/" + LINK.search(text_of(mail)).group(1)).status_code == 200
    states = sorted(n.state for n in _reset_rows(db))
    assert states == ["cancelled", "sent"]
    assert all("secret" not in n.context for n in _reset_rows(db))


def test_account_mail_ignores_quiet_hours_muting_and_the_sms_channel(client, db, mailbox, clock):
    clock.move_to(datetime(2026, 3, 2, 22, 30, tzinfo=timezone.utc))  # 23:30 in Oslo
    rita = factories.make_resident(email="rita@example.com", phone="+4791234567")
    db.add(NotificationSettings(user_id=rita.id, channel="sms", muted=["messages"],
                                daily_digest=True, quiet_start_hour=21, quiet_end_hour=8))
    db.commit()
    post_form(client, "/forgot-password", {"email": "rita@example.com"})
    send_queued_mail()
    [mail] = mailbox.messages
    assert mail["To"] == "rita@example.com" and LINK.search(text_of(mail))
