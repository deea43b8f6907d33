"""The notification centre, the bell, the settings page and the admin's failed messages."""
from __future__ import annotations

from datetime import timedelta

from selfhelp.notifications.models import Notification, NotificationSettings
from tests.conftest import post_form
from tests.notifications.conftest import NOW, fresh, notify
from tests.querycount import count_queries


def _delivered(recipient, n: int, **values) -> Notification:
    from selfhelp.db import db

    row = Notification(recipient_id=recipient.id, kind="new_message", occurrence=f"m:{n}",
                       channel="email", created_at=NOW, due_at=NOW - timedelta(minutes=n),
                       state="sent", sent_at=NOW, shown_at=NOW - timedelta(minutes=n),
                       context={"title": f"Melding {n}", "link": "http://x.test/messages"}, **values)
    db.add(row)
    db.commit()
    return row


def test_centre_lists_own_notifications_with_the_unread_count(app, db, clock, as_persona, personas):
    for n in range(1, 4):
        _delivered(personas["resident"], n)
    _delivered(personas["other_resident"], 9)
    page = as_persona("resident").get("/notifications").get_data(as_text=True)
    assert 'id="unread-count">3<' in page
    assert page.index("Melding 1") < page.index("Melding 2") < page.index("Melding 3")
    assert "Melding 9" not in page


def test_opening_marks_read_and_goes_to_the_page_on_our_own_site(app, db, clock, as_persona, personas):
    row = _delivered(personas["resident"], 1)
    client = as_persona("resident")
    response = client.get(f"/notifications/{row.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/messages"
    assert fresh(row).read_at is not None
    assert 'id="unread-count"' not in client.get("/notifications").get_data(as_text=True)
    # Someone else's notification does not exist for this person.
    assert as_persona("other_resident").get(f"/notifications/{row.id}").status_code == 404


def test_mark_all_read(app, db, clock, as_persona, personas):
    rows = [_delivered(personas["resident"], n) for n in (1, 2)]
    client = as_persona("resident")
    post_form(client, "/notifications/read", {}, page="/notifications")
    assert all(fresh(r).read_at is not None for r in rows)


def test_pending_and_cancelled_ones_are_not_shown(app, db, clock, as_persona, personas):
    notify(personas["resident"], due_at=NOW + timedelta(days=1))
    row = _delivered(personas["resident"], 1, read_at=None)
    row.state = "cancelled"
    db.commit()
    assert "Du har ingen varsler ennå" in as_persona("resident").get("/notifications").get_data(as_text=True)


def test_the_bell_costs_the_same_queries_however_many_notifications(app, db, clock, as_persona, personas):
    client = as_persona("resident")

    def queries() -> int:
        with count_queries(app.extensions["db"].engine) as statements:
            assert client.get("/notifications").status_code == 200
        return len(statements)

    _delivered(personas["resident"], 1)
    few = queries()
    for n in range(2, 40):
        _delivered(personas["resident"], n)
    assert queries() == few


def test_settings_are_saved_and_locked_topics_cannot_be_muted(app, db, clock, as_persona, personas):
    client = as_persona("resident")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Kurssamling flyttet eller avlyst" in page and 'value="session_changes"' not in page
    response = post_form(client, "/account/notifications", {
        "channel": "email", "wanted": ["session_reminders", "messages"], "daily_digest": "y",
        "quiet_start_hour": "22", "quiet_end_hour": "7"})
    assert response.status_code == 302
    saved = db.get(NotificationSettings, personas["resident"].id)
    assert saved.daily_digest and (saved.quiet_start_hour, saved.quiet_end_hour) == (22, 7)
    assert set(saved.muted) == {"course_places", "program_weeks", "followups", "nudges"}


def test_sms_without_a_phone_number_is_refused_and_the_choices_are_kept(app, db, clock, as_persona, personas):
    client = as_persona("resident")
    response = post_form(client, "/account/notifications", {
        "channel": "sms", "wanted": ["messages"], "quiet_start_hour": "23", "quiet_end_hour": "6"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "ikke lagt inn et mobilnummer" in page
    assert '<option selected value="23">' in page
    assert db.get(NotificationSettings, personas["resident"].id) is None


def test_staff_see_their_own_topics(app, db, as_persona):
    page = as_persona("guide").get("/account/notifications").get_data(as_text=True)
    assert 'value="checkins"' in page and 'value="overdue"' in page
    assert 'value="session_reminders"' not in page
    assert "Risikovarsler og eskaleringer" in page  # shown as always on


def test_admin_sees_failed_messages_of_their_municipality_and_can_retry(
        app, db, clock, as_persona, personas):
    from tests import factories

    ours = notify(personas["resident"])
    theirs = notify(factories.make_resident(municipality=factories.OTHER_MUNICIPALITY))
    for row in (ours, theirs):
        row.state, row.attempts, row.last_error = "failed", 6, "SMTPServerDisconnected: gone"
    db.commit()
    client = as_persona("admin")
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "Rita Resident" in page and "SMTPServerDisconnected" in page
    from selfhelp.audit.models import AuditEvent

    seen = [(e.resident_id, e.what) for e in db.query(AuditEvent).all()]
    assert seen == [(personas["resident"].id, "failed_notifications")]
    assert f"/admin/notifications/{theirs.id}/retry" not in page
    assert post_form(client, f"/admin/notifications/{theirs.id}/retry", {},
                     page="/admin/notifications").status_code == 404
    post_form(client, f"/admin/notifications/{ours.id}/retry", {}, page="/admin/notifications")
    assert (fresh(ours).state, fresh(ours).attempts) == ("pending", 0)


def test_the_demo_mail_viewer_shows_sent_mail_and_is_audited(app, db, clock, as_persona, personas, tmp_path):
    from selfhelp.audit.models import AuditEvent
    from selfhelp.channels.email import build_message, write_mail_file

    app.config.update(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path), DEMO_MODE=True)
    write_mail_file(build_message(personas["resident"].email, "Du har en ny melding i selfhelp",
                                  "tekst", "<p>tekst</p>"), "new_message")
    page = as_persona("admin").get("/admin/mail").get_data(as_text=True)
    assert "Du har en ny melding i selfhelp" in page
    seen = [(e.resident_id, e.what) for e in db.query(AuditEvent).all()]
    assert seen == [(personas["resident"].id, "sent_mail")]


def test_the_centre_speaks_the_reader_s_language_whatever_language_the_email_had(
        app, db, clock, mailbox, as_persona, personas):
    from selfhelp.notifications.delivery import send_due
    from tests.conftest import post_form

    n = notify(personas["resident"])  # the resident's emails are in Norwegian
    send_due(NOW, worker="w")
    assert [m["Subject"] for m in mailbox.messages] == ["Du har en ny melding i selfhelp"]
    client = as_persona("resident")
    post_form(client, "/language", {"language": "en", "next": "/notifications"}, page="/notifications")
    page = client.get("/notifications").get_data(as_text=True)
    assert "You have a new message in selfhelp" in page and "Du har en ny melding" not in page
    assert fresh(n).context["title"]["nb"] == "Du har en ny melding i selfhelp"
