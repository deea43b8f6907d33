"""Logout ends the session: server-side session rows, ended at logout, a new password, a
second-factor reset, account closure and the idle timeout; the person's list of sessions."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from selfhelp.accounts import devices
from selfhelp.accounts.models import User, UserSession
from selfhelp.accounts.session import SECOND_FACTOR_KEY
from tests import factories
from tests.checkins.helpers import guided_resident
from tests.conftest import csrf_token, log_in_with_code, login, post_form
from tests.querycount import count_queries


def _copy_cookie(app, client):
    """A second browser holding a copy of `client`'s session cookie (as an attacker would)."""
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"],
                    client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    return copy


def _open_rows(db, user) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)))


def test_a_copied_cookie_no_longer_opens_the_dashboard_after_logout(app, db, personas, clock):
    client = app.test_client()
    log_in_with_code(client, personas["resident"].email)
    copy = _copy_cookie(app, client)
    assert copy.get("/dashboard").status_code == 200  # the copy works while the session lasts
    post_form(client, "/logout", {}, page="/dashboard")
    response = copy.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _open_rows(db, personas["resident"]) == 0


def test_a_copied_cookie_no_longer_opens_a_guides_checkin_screen_after_logout(app, db, personas,
                                                                             clock):
    guided_resident(db, personas)
    client = app.test_client()
    log_in_with_code(client, personas["guide"].email)
    screen = f"/guide/residents/{personas['resident'].id}"
    assert client.get(screen).status_code == 200
    copy = _copy_cookie(app, client)
    post_form(client, "/logout", {}, page=screen)
    response = copy.get(screen)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, db, personas,
                                                                          clock):
    resident = personas["resident"]
    here, elsewhere = app.test_client(), app.test_client()
    login(here, resident)
    login(elsewhere, resident)
    response = post_form(here, "/account/password", {
        "current_password": factories.PASSWORD, "password": "a brand new secret",
        "password_confirm": "a brand new secret"})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    assert _open_rows(db, resident) == 1


def test_a_password_reset_ends_every_session(app, db, personas, mailbox, clock):
    import re

    from tests.smtp import send_queued_mail, text_of

    resident = personas["resident"]
    elsewhere = app.test_client()
    login(elsewhere, resident)
    client = app.test_client()
    post_form(client, "/forgot-password", {"email": resident.email})
    send_queued_mail()
    link = re.search(r"/reset-password/[\w-]+", text_of(mailbox.messages[-1])).group(0)
    post_form(client, link, {"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert elsewhere.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_resetting_a_second_factor_ends_that_staff_members_sessions(app, db, personas, clock):
    from selfhelp.accounts.twofactor import reset_second_factor

    guide = personas["guide"]
    client = app.test_client()
    login(client, guide)
    assert client.get("/guide/").status_code == 200
    reset_second_factor(personas["admin"], db.get(User, guide.id), clock_now())
    db.commit()
    assert _open_rows(db, guide) == 0
    assert client.get("/guide/").status_code == 302


def test_closing_the_account_ends_its_sessions(app, db, personas, clock):
    from selfhelp.privacy.closure import close_account

    resident = personas["resident"]
    other_browser = app.test_client()
    login(other_browser, resident)
    close_account(db.get(User, resident.id), clock_now())
    db.commit()
    assert _open_rows(db, resident) == 0
    db.expire_all()
    assert db.scalar(select(UserSession.ended_reason).where(
        UserSession.user_id == resident.id)) == "closed"


def test_an_idle_staff_session_ends_on_the_server_even_for_a_copied_cookie(app, db, personas,
                                                                          clock):
    guide = personas["guide"]
    client = app.test_client()
    login(client, guide)
    assert client.get("/guide/").status_code == 200
    copy = _copy_cookie(app, client)
    clock.shift(timedelta(minutes=31))
    assert copy.get("/guide/").status_code == 302
    assert client.get("/guide/").status_code == 302
    db.expire_all()
    assert db.scalar(select(UserSession.ended_reason).where(UserSession.user_id == guide.id)) == "idle"


def test_last_seen_is_written_at_most_once_a_minute(app, db, personas, clock):
    client = app.test_client()
    login(client, personas["resident"])
    client.get("/dashboard")
    engine = app.extensions["db"].engine
    with count_queries(engine) as statements:
        client.get("/dashboard")
        client.get("/dashboard")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE USER_SESSIONS")]
    clock.shift(timedelta(minutes=2))
    with count_queries(engine) as statements:
        client.get("/dashboard")
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE USER_SESSIONS")]) == 1
    db.expire_all()
    row = db.scalar(select(UserSession).where(UserSession.user_id == personas["resident"].id))
    assert row.last_seen_at == clock_now()


def test_the_session_list_shows_each_browser_and_marks_this_one(app, db, personas, clock):
    resident = personas["resident"]
    here = app.test_client()
    log_in_with_code(here, resident.email)
    phone = app.test_client()
    post_form(phone, "/login", {"email": resident.email, "password": factories.PASSWORD},
              headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                                     "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
                                     "Mobile/15E148 Safari/604.1"})
    html = here.get("/account/sessions").get_data(as_text=True)
    assert "Safari, iPhone" in html
    assert html.count("Denne enheten") == 1
    assert "Logg ut overalt" in html and "Logg ut på alle andre enheter" in html


def test_logging_out_everywhere_else_asks_first_and_keeps_this_browser(app, db, personas, clock):
    resident = personas["resident"]
    here, phone = app.test_client(), app.test_client()
    login(here, resident)
    login(phone, resident)
    confirm = here.get("/account/sessions/end?scope=others")
    assert confirm.status_code == 200 and "Logg ut på alle andre enheter?" in confirm.get_data(as_text=True)
    assert phone.get("/dashboard").status_code == 200  # asking changed nothing
    post_form(here, "/account/sessions/end", {"scope": "others"}, page="/account/sessions/end?scope=others")
    assert phone.get("/dashboard").status_code == 302
    assert here.get("/dashboard").status_code == 200


def test_logging_out_everywhere_ends_this_browser_too(app, db, personas, clock):
    resident = personas["resident"]
    here, phone = app.test_client(), app.test_client()
    login(here, resident)
    login(phone, resident)
    response = post_form(here, "/account/sessions/end", {"scope": "all"},
                         page="/account/sessions/end?scope=all")
    assert "/login" in response.headers["Location"]
    assert here.get("/dashboard").status_code == 302
    assert phone.get("/dashboard").status_code == 302
    assert _open_rows(db, resident) == 0


def test_nobody_can_end_someone_elses_session(app, db, personas, clock):
    victim = app.test_client()
    login(victim, personas["other_resident"])
    row = db.scalar(select(UserSession).where(UserSession.user_id == personas["other_resident"].id))
    attacker = app.test_client()
    login(attacker, personas["resident"])
    post_form(attacker, f"/account/sessions/{row.id}/end", {}, page="/account/sessions")
    assert victim.get("/dashboard").status_code == 200


def test_ending_one_other_session_from_the_list(app, db, personas, clock):
    resident = personas["resident"]
    here, phone = app.test_client(), app.test_client()
    login(here, resident)
    login(phone, resident)
    rows = db.scalars(select(UserSession).where(UserSession.user_id == resident.id)
                      .order_by(UserSession.id)).all()
    post_form(here, f"/account/sessions/{rows[1].id}/end", {}, page="/account/sessions")
    assert phone.get("/dashboard").status_code == 302
    assert here.get("/dashboard").status_code == 200


def test_device_summary_names_browser_and_system_only():
    chrome = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Safari/537.36")
    assert devices.device_summary(chrome) == "Chrome, Windows"
    assert devices.device_summary("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko Firefox/121.0") \
        == "Firefox, Linux"
    assert devices.device_summary("<script>") == ""
    assert devices.device_summary(None) == ""


def clock_now():
    from selfhelp.clock import now

    return now()


# --- the session rows survive a refused request (keep_writes) -------------------------------------

def _ended_reason(db, user) -> str | None:
    db.expire_all()
    return db.scalar(select(UserSession.ended_reason).where(UserSession.user_id == user.id))


def test_an_idle_session_ended_by_an_autosave_the_server_refuses_stays_ended(app, db, personas,
                                                                           clock):
    resident = personas["resident"]
    client = app.test_client()
    login(client, resident)
    token = csrf_token(client, "/messages")
    clock.shift(timedelta(days=15))  # idle far longer than residents may be
    response = client.post("/messages", data={"body": "Skrevet etter pausen", "csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 401  # the page keeps the text; the server says "log in"
    assert _ended_reason(db, resident) == "idle"


def test_an_idle_session_ended_by_a_request_for_a_missing_page_stays_ended(app, db, personas,
                                                                         clock):
    resident = personas["resident"]
    client = app.test_client()
    login(client, resident)
    clock.shift(timedelta(days=15))
    assert client.get("/no-such-page").status_code == 404
    assert _ended_reason(db, resident) == "idle"


def test_a_staff_session_without_the_second_factor_ends_even_on_a_missing_page(app, db, personas):
    guide = personas["guide"]
    client = app.test_client()
    login(client, guide)
    with client.session_transaction() as session:  # as a code path that forgot the second step
        session.pop(SECOND_FACTOR_KEY)
    assert client.get("/no-such-page").status_code == 404
    assert _ended_reason(db, guide) == "logout"
