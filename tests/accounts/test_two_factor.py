"""Staff log in with a second factor: TOTP from an app, or a one-time recovery code."""
from datetime import timedelta

from sqlalchemy import func, select

from selfhelp.accounts.models import RecoveryCode, User
from selfhelp.audit.models import AuditEvent
from tests import factories
from tests.conftest import login, post_form, totp_code


def _password(client, email, **kwargs):
    return post_form(client, "/login", {"email": email, "password": factories.PASSWORD}, **kwargs)


def test_a_guide_needs_the_code_from_the_app_after_the_password(client, db, clock):
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    response = _password(client, "gina@example.com")
    assert response.headers["Location"].endswith("/login/two-factor/")
    # Half logged in: nothing behind the login yet.
    assert client.get("/guide/").status_code == 302
    response = post_form(client, "/login/two-factor/", {"code": totp_code()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/guide/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(client, db, clock, app):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    _password(client, "gina@example.com")
    for _ in range(2):
        html = post_form(client, "/login/two-factor/", {"code": "000000"}).get_data(as_text=True)
        assert "Koden stemmer ikke" in html
    post_form(client, "/login/two-factor/", {"code": "123456"})
    response = post_form(client, "/login/two-factor/", {"code": totp_code()})
    assert response.status_code == 429  # even the right code waits after too many tries
    assert client.get("/guide/").status_code == 302
    # Typing the password again does not reset the count of wrong codes.
    assert _password(client, "gina@example.com").status_code == 429


def test_a_code_cannot_be_used_twice(app, db, clock):
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    first, second = app.test_client(), app.test_client()
    _password(first, "gina@example.com")
    _password(second, "gina@example.com")
    code = totp_code()
    assert post_form(first, "/login/two-factor/", {"code": code}).status_code == 302
    replay = post_form(second, "/login/two-factor/", {"code": code})
    assert replay.status_code == 200 and "allerede brukt" in replay.get_data(as_text=True)
    clock.shift(timedelta(seconds=30))
    assert post_form(second, "/login/two-factor/", {"code": totp_code()}).status_code == 302


def test_the_password_step_expires_after_ten_minutes(client, db, clock):
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    _password(client, "gina@example.com")
    clock.shift(timedelta(minutes=11))
    response = post_form(client, "/login/two-factor/", {"code": totp_code()}, page="/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_first_login_sets_up_the_app_and_shows_recovery_codes_once(client, db, clock):
    user = factories.make_staff(roles=["course_leader"], email="kurt@example.com",
                                second_factor=False)
    db.commit()
    response = _password(client, "kurt@example.com", query_string={"next": "/leader/cohorts"})
    assert response.headers["Location"].endswith("/login/two-factor/setup")
    page = client.get("/login/two-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code is drawn here, not by a service
    db.expire_all()
    secret = db.get(User, user.id).totp_secret
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    wrong = post_form(client, "/login/two-factor/setup", {"code": "111111"})
    assert "Koden stemmer ikke" in wrong.get_data(as_text=True)
    done = post_form(client, "/login/two-factor/setup", {"code": totp_code(secret)})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and 'href="/leader/cohorts"' in html
    codes = [c for c in __import__("re").findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", html)]
    assert len(codes) == 10
    stored = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    assert client.get("/leader/cohorts").status_code == 200

    # A recovery code works once, in any spelling.
    for attempt, expected in ((codes[0].lower().replace("-", " "), 302), (codes[0], 200)):
        other = client.application.test_client()
        _password(other, "kurt@example.com")
        assert post_form(other, "/login/two-factor/", {"code": attempt}).status_code == expected


def test_admin_resets_a_lost_second_factor_which_is_audited(as_persona, personas, db, clock, app):
    guide = personas["guide"]
    guide_client = as_persona("guide")
    assert guide_client.get("/guide/").status_code == 200
    html = as_persona("admin").get(f"/staff/{guide.id}/edit").get_data(as_text=True)
    assert "Nullstill totrinnsinnlogging" in html
    response = post_form(as_persona("admin"), f"/staff/{guide.id}/reset-second-factor", {},
                         page=f"/staff/{guide.id}/edit")
    assert response.status_code == 302
    db.expire_all()
    guide = db.get(User, guide.id)
    assert guide.totp_secret is None and not guide.has_second_factor
    event = db.scalar(select(AuditEvent).where(AuditEvent.what == "staff_second_factor"))
    assert event.actor_id == personas["admin"].id and event.record_id == guide.id
    assert guide_client.get("/guide/").status_code == 302  # the guide's sessions ended
    fresh = app.test_client()
    assert _password(fresh, guide.email).headers["Location"].endswith("/login/two-factor/setup")


def test_other_staff_cannot_reset_a_second_factor(as_persona, personas, db):
    target = personas["course_leader"]
    response = post_form(as_persona("guide"), f"/staff/{target.id}/reset-second-factor", {})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(User, target.id).has_second_factor


def test_a_staff_session_without_the_second_factor_is_ended(app, db, personas):
    client = app.test_client()
    with client.session_transaction() as session:  # as a code path that forgot the second step
        session["_user_id"] = personas["guide"].get_id()
    assert client.get("/guide/").status_code == 302
    resident = app.test_client()
    login(resident, personas["resident"])
    assert resident.get("/dashboard").status_code == 200


def test_a_password_reset_does_not_skip_the_second_factor(client, db, mailbox, clock):
    import re

    from tests.smtp import send_queued_mail, text_of

    factories.make_staff(roles=["admin"], email="ada@example.com")
    db.commit()
    post_form(client, "/forgot-password", {"email": "ada@example.com"})
    send_queued_mail()
    link = re.search(r"http://localhost(/reset-password/\S+)", text_of(mailbox.messages[-1])).group(1)
    response = post_form(client, link, {"password": "a brand new password",
                                        "password_confirm": "a brand new password"})
    assert response.headers["Location"].endswith("/login/two-factor/")
    assert client.get("/staff/").status_code == 302


def test_a_guide_who_changes_the_password_stays_logged_in_here(as_persona, personas, db):
    guide = as_persona("guide")
    response = post_form(guide, "/account/password", {
        "current_password": factories.PASSWORD, "password": "another long password",
        "password_confirm": "another long password"})
    assert response.status_code == 302
    assert guide.get("/guide/").status_code == 200


def test_staff_make_new_recovery_codes_after_typing_the_password(as_persona, personas, db, clock):
    guide = as_persona("guide")
    assert "Ubrukte gjenopprettingskoder: 0" in guide.get("/staff/profile").get_data(as_text=True)
    asked = post_form(guide, "/staff/profile/recovery-codes", {}, page="/staff/profile",
                      headers={"Referer": "http://localhost/staff/profile"})
    assert asked.headers["Location"].endswith("/account/confirm-password?next=/staff/profile")
    post_form(guide, "/account/confirm-password", {"password": factories.PASSWORD})
    page = post_form(guide, "/staff/profile/recovery-codes", {}, page="/staff/profile")
    assert page.status_code == 200 and "Du har fått nye gjenopprettingskoder" in page.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(RecoveryCode)) == 10


def test_the_secret_shown_with_a_throttled_setup_page_is_the_one_stored(app, client, db, clock):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    user = factories.make_staff(roles=["guide"], email="gina@example.com", second_factor=False)
    db.commit()
    for _ in range(2):
        post_form(client, "/login", {"email": "gina@example.com", "password": "wrong"})
    assert _password(client, "gina@example.com").headers["Location"].endswith("/setup")
    post_form(app.test_client(), "/login", {"email": "gina@example.com", "password": "wrong"})
    # The first sight of the setup page is a throttled POST (the GET never happened).
    response = post_form(client, "/login/two-factor/setup", {"code": "111111"}, page="/login")
    assert response.status_code == 429
    db.expire_all()
    secret = db.get(User, user.id).totp_secret
    assert secret is not None
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in response.get_data(as_text=True)
