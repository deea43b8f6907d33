"""Claim, deliver, record: with the real SMTP server and the frozen clock."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from selfhelp.notifications.delivery import (
    BACKOFF, MAX_ATTEMPTS, failed_notifications, send_due)
from selfhelp.notifications.models import Notification
from tests.notifications.conftest import NOW, fresh, notify
from tests.smtp import text_of


def test_a_due_email_is_sent_once_and_recorded(db, clock, mailbox, resident):
    n = notify(resident, occurrence="message:1")
    report = send_due(NOW, worker="w1")
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [msg] = mailbox.messages
    assert msg["To"] == resident.email
    assert msg["X-Selfhelp-Notification"] == str(n.id)
    assert "Du har fått en ny melding" in text_of(msg)
    row = fresh(n)
    assert (row.state, row.sent_at, row.claimed_by, row.attempts) == ("sent", NOW, "w1", 0)
    # A second pass (or a second scheduler) finds nothing left to send.
    assert send_due(NOW + timedelta(minutes=5), worker="w2").handled == 0
    assert len(mailbox.messages) == 1


def test_nothing_is_sent_before_it_is_due(db, clock, mailbox, resident):
    n = notify(resident, due_at=NOW + timedelta(hours=1))
    assert send_due(NOW, worker="w").handled == 0
    assert send_due(NOW + timedelta(minutes=59), worker="w").handled == 0
    assert mailbox.messages == [] and fresh(n).state == "pending"
    assert send_due(NOW + timedelta(hours=1), worker="w").sent == 1
    assert len(mailbox.messages) == 1


def test_a_mail_server_outage_mid_run_is_retried_with_backoff_and_each_arrives_once(
        db, clock, mailbox, resident):
    rows = [notify(resident, occurrence=f"message:{i}") for i in range(3)]
    assert send_due(NOW, worker="w", limit=1).sent == 1
    mailbox.stop()
    try:
        report = send_due(NOW, worker="w")
        assert (report.sent, report.retried) == (0, 2)
        waiting = fresh(rows[1])
        assert waiting.state == "pending" and waiting.attempts == 1
        assert waiting.next_attempt_at == NOW + BACKOFF[0] == NOW + timedelta(minutes=1)
        assert "Connection" in waiting.last_error or "Errno" in waiting.last_error
        assert send_due(NOW + timedelta(seconds=59), worker="w").handled == 0  # still backing off
    finally:
        mailbox.start()
    assert send_due(NOW + timedelta(minutes=1), worker="w").sent == 2
    ids = sorted(int(m["X-Selfhelp-Notification"]) for m in mailbox.messages)
    assert ids == sorted(n.id for n in rows)
    assert send_due(NOW + timedelta(hours=1), worker="w").handled == 0


def test_after_max_attempts_it_is_failed_and_listed_for_the_admin(db, clock, mailbox, resident):
    n = notify(resident)
    mailbox.stop()
    try:
        moment, waits = NOW, []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report = send_due(moment, worker="w")
            row = fresh(n)
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert report.retried == 1 and row.state == "pending"
                waits.append(row.next_attempt_at - moment)
                moment = row.next_attempt_at
        assert report.failed == 1 and row.state == "failed"
        assert [w // timedelta(minutes=1) for w in waits] == [1, 5, 15, 60, 240]
    finally:
        mailbox.start()
    assert send_due(moment + timedelta(days=1), worker="w").handled == 0
    assert mailbox.messages == []
    assert [f.id for f in failed_notifications()] == [n.id]


def test_a_row_stuck_in_sending_is_reclaimed_after_ten_minutes(db, clock, mailbox, resident):
    n = notify(resident)
    db.execute(update(Notification).where(Notification.id == n.id)
               .values(state="sending", claimed_at=NOW, claimed_by="crashed:1"))
    db.commit()
    assert send_due(NOW + timedelta(minutes=9, seconds=59), worker="w").handled == 0
    assert send_due(NOW + timedelta(minutes=10, seconds=1), worker="w").sent == 1
    row = fresh(n)
    assert (row.state, row.claimed_by, row.attempts) == ("sent", "w", 1)  # the lost try counts
    assert len(mailbox.messages) == 1


def test_in_app_rows_are_marked_sent_without_mail(db, clock, mailbox, resident):
    n = notify(resident, channel="in_app")
    assert send_due(NOW, worker="w").sent == 1
    assert fresh(n).state == "sent" and fresh(n).read_at is None
    assert mailbox.messages == []


def test_sms_rows_go_to_the_file_backend(app, db, clock, mailbox, resident, tmp_path):
    app.config.update(SMS_BACKEND="file", SMS_DIR=str(tmp_path))
    n = notify(resident, channel="sms")
    assert send_due(NOW, worker="w").sent == 1
    [text_file] = tmp_path.glob("*.txt")
    body = text_file.read_text()
    assert resident.phone in body and "Du har en ny melding i selfhelp" in body
    assert "http://localhost/messages" in body
    assert fresh(n).state == "sent" and mailbox.messages == []


def test_no_address_means_cancelled_not_retried(db, clock, mailbox, resident):
    resident.phone = None
    by_sms = notify(resident, channel="sms")
    resident.email = ""  # a closed account keeps its row, not its address
    by_mail = notify(resident)
    report = send_due(NOW, worker="w")
    assert report.cancelled == 2
    assert fresh(by_sms).state == fresh(by_mail).state == "cancelled"
    assert mailbox.messages == []


def test_a_kind_without_templates_fails_at_once(db, clock, mailbox, resident):
    n = notify(resident, kind="no_such_kind")
    assert send_due(NOW, worker="w").failed == 1
    assert fresh(n).state == "failed" and "no_such_kind" in fresh(n).last_error


def test_the_limit_bounds_one_pass(db, clock, mailbox, resident):
    for i in range(5):
        notify(resident, occurrence=f"message:{i}", channel="in_app")
    assert send_due(NOW, worker="w", limit=3).sent == 3
    assert send_due(NOW, worker="w", limit=3).sent == 2


def test_an_in_app_row_that_fails_to_render_is_retried_not_lost(db, clock, mailbox, resident, monkeypatch):
    from selfhelp.notifications.registry import registry

    def broken(session, n, now):
        raise RuntimeError("template data missing")

    monkeypatch.setitem(registry().builders, "new_message", broken)
    n = notify(resident, channel="in_app")
    report = send_due(NOW, worker="w")
    assert (report.retried, report.handled) == (1, 1)
    row = fresh(n)
    assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + BACKOFF[0])
    assert "template data missing" in row.last_error
