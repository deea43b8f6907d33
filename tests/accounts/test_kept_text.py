"""No text is ever lost, and none reaches the wrong person: text posted after the login expired
(or with a stale form token) is kept for its author only; double clicks send once; feedback is
published once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selfhelp.accounts.models import KeptText
from selfhelp.checkins.models import Checkin, FeedbackDraft, Message
from selfhelp.notifications.models import Notification
from selfhelp.programs.models import WorksheetAnswer
from tests.checkins.helpers import guided_resident, submitted_checkin
from tests.conftest import csrf_token, log_in_with_code, login, post_form

M1 = "/programs/depression/01-forsta-depresjon"
RESIDENT_IDLE = timedelta(days=15)
STAFF_IDLE = timedelta(minutes=31)


def _count(db, model, *where) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def _log_in_again(client, user, next_url):
    return log_in_with_code(client, user.email) if user.is_staff else post_form(
        client, "/login", {"email": user.email, "password": "correct horse battery"},
        query_string={"next": next_url})


# ---------------------------------------------------------------- shared browser

def test_a_worksheet_kept_for_one_person_is_never_saved_into_the_next_persons_record(
        app, db, personas, clock):
    a, b = personas["resident"], personas["other_resident"]
    browser = app.test_client()
    login(browser, a)
    post_form(browser, "/programs/depression/start", {}, page="/programs/depression")
    token = csrf_token(browser, M1)
    clock.shift(RESIDENT_IDLE)  # A walks away; the login expires
    response = browser.post(M1 + "/exercises/goals", data={"f-general_goal": "As hemmelige mål",
                                                           "csrf_token": token})
    assert "/login" in response.headers["Location"]
    assert _count(db, KeptText, KeptText.author_id == a.id) == 1
    post_form(browser, "/login", {"email": b.email, "password": "correct horse battery"})
    post_form(browser, "/programs/depression/start", {}, page="/programs/depression")
    html = browser.get(M1).get_data(as_text=True)
    assert "As hemmelige mål" not in html
    assert _count(db, KeptText) == 0  # discarded when B logged in, unseen
    assert all("As hemmelige mål" not in str(w.data) for w in db.scalars(select(WorksheetAnswer)))


def test_the_author_gets_their_worksheet_text_back_after_logging_in_again(app, db, personas, clock):
    a = personas["resident"]
    browser = app.test_client()
    login(browser, a)
    post_form(browser, "/programs/depression/start", {}, page="/programs/depression")
    token = csrf_token(browser, M1)
    clock.shift(RESIDENT_IDLE)
    browser.post(M1 + "/exercises/goals", data={"f-general_goal": "Mine mål", "csrf_token": token})
    _log_in_again(browser, a, M1)
    html = browser.get(M1).get_data(as_text=True)
    assert "Teksten du skrev før du ble logget ut, er lagret." in html and "Mine mål" in html


def test_logging_out_discards_text_kept_in_the_browser(app, db, personas, clock):
    a = personas["resident"]
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, a)
    token = csrf_token(browser, "/checkin")
    clock.shift(RESIDENT_IDLE)
    browser.post("/checkin", data={"how_it_went": "Kept, then logged out", "csrf_token": token})
    assert _count(db, KeptText) == 1
    browser.post("/logout", data={"csrf_token": token})
    assert _count(db, KeptText) == 0


def test_after_logout_the_page_tells_the_browser_to_clear_unsaved_drafts(app, db, personas, clock):
    browser = app.test_client()
    login(browser, personas["resident"])
    assert "data-logged-out" not in browser.get("/dashboard").get_data(as_text=True)
    response = post_form(browser, "/logout", {}, page="/dashboard", follow_redirects=True)
    assert "data-logged-out" in response.get_data(as_text=True)
    assert "data-logged-out" not in browser.get("/").get_data(as_text=True)  # once


def test_text_posted_after_logout_is_shown_back_not_kept(app, db, personas, clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["resident"])
    token = csrf_token(browser, "/checkin")
    browser.post("/logout", data={"csrf_token": token})
    response = browser.post("/checkin", data={"how_it_went": "Etter utlogging", "csrf_token": token})
    assert response.status_code == 401 and "Etter utlogging" in response.get_data(as_text=True)
    assert _count(db, KeptText) == 0


# ---------------------------------------------------------------- expired login

def test_a_checkin_posted_after_the_login_expired_is_put_back_after_logging_in(app, db, personas,
                                                                              clock):
    guided_resident(db, personas, weeks_ago=3)
    resident = personas["resident"]
    browser = app.test_client()
    login(browser, resident)
    token = csrf_token(browser, "/checkin")
    clock.shift(RESIDENT_IDLE)
    response = browser.post("/checkin", data={"how_it_went": "En lang uke å skrive om",
                                              "csrf_token": token})
    assert "/login?next=/checkin" in response.headers["Location"]
    assert _count(db, Checkin, Checkin.state == "submitted") == 0
    assert _log_in_again(browser, resident, "/checkin").headers["Location"].endswith("/checkin")
    html = browser.get("/checkin").get_data(as_text=True)
    assert "En lang uke å skrive om" in html and "satt inn igjen" in html
    assert "En lang uke å skrive om" not in browser.get("/checkin").get_data(as_text=True)


def test_a_residents_message_posted_after_the_login_expired_is_put_back(app, db, personas, clock):
    guided_resident(db, personas)
    resident = personas["resident"]
    browser = app.test_client()
    login(browser, resident)
    token = csrf_token(browser, "/messages")
    clock.shift(RESIDENT_IDLE)
    browser.post("/messages", data={"text": "Et spørsmål til veilederen", "csrf_token": token,
                                    "nonce": "abc123"})
    assert _count(db, Message) == 0
    _log_in_again(browser, resident, "/messages")
    assert "Et spørsmål til veilederen" in browser.get("/messages").get_data(as_text=True)


def test_a_guides_feedback_posted_after_the_login_expired_is_put_back(app, db, personas, clock):
    _, checkin = submitted_checkin(db, personas)
    guide = personas["guide"]
    screen = f"/guide/residents/{personas['resident'].id}"
    browser = app.test_client()
    login(browser, guide)
    token = csrf_token(browser, screen)
    clock.shift(STAFF_IDLE)
    response = browser.post(screen + "/feedback", data={
        "body": "Fin uke, godt jobbet med turene", "minutes": "12", "checkin_id": str(checkin.id),
        "csrf_token": token})
    assert "/login" in response.headers["Location"]
    assert _count(db, Message) == 0
    _log_in_again(browser, guide, screen)
    html = browser.get(screen).get_data(as_text=True)
    assert "Fin uke, godt jobbet med turene" in html


def test_a_guides_message_posted_after_the_login_expired_is_put_back(app, db, personas, clock):
    guided_resident(db, personas)
    guide = personas["guide"]
    screen = f"/guide/residents/{personas['resident'].id}"
    browser = app.test_client()
    login(browser, guide)
    token = csrf_token(browser, screen)
    clock.shift(STAFF_IDLE)
    browser.post(screen + "/messages", data={"text": "Hei, hvordan går det?", "csrf_token": token})
    _log_in_again(browser, guide, screen)
    assert "Hei, hvordan går det?" in browser.get(screen).get_data(as_text=True)


def test_kept_text_is_size_limited(app, db, personas, clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["resident"])
    token = csrf_token(browser, "/checkin")
    clock.shift(RESIDENT_IDLE)
    response = browser.post("/checkin", data={"how_it_went": "x" * 60_000, "csrf_token": token})
    assert response.status_code == 401  # shown back to copy, not stored
    assert _count(db, KeptText) == 0


# ---------------------------------------------------------------- stale or forged token

def test_a_checkin_with_a_stale_token_is_not_sent_and_comes_back_in_the_form(app, db, personas,
                                                                            clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["resident"])
    response = browser.post("/checkin", data={"how_it_went": "Skrevet i en gammel fane",
                                              "csrf_token": "stale"}, follow_redirects=True)
    assert "Skrevet i en gammel fane" in response.get_data(as_text=True)
    assert _count(db, Checkin, Checkin.state == "submitted") == 0


def test_a_feedback_post_with_a_forged_token_never_overwrites_the_draft(app, db, personas, clock):
    from selfhelp.checkins import services

    _, checkin = submitted_checkin(db, personas)
    guide = personas["guide"]
    services.save_draft(guide, checkin, "Utkastet mitt", clock_now())
    db.commit()
    screen = f"/guide/residents/{personas['resident'].id}"
    browser = app.test_client()
    login(browser, guide)
    for token in (None, "forged"):
        data = {"body": "Noe annet", "minutes": "5", "checkin_id": str(checkin.id), "do": "draft"}
        if token:
            data["csrf_token"] = token
        response = browser.post(screen + "/feedback", data=data)
        assert response.status_code == 302
        db.expire_all()
        assert db.scalar(select(FeedbackDraft.body)) == "Utkastet mitt"
        html = browser.get(screen).get_data(as_text=True)
        assert "Noe annet" in html  # shown again for the guide to look over


# ---------------------------------------------------------------- double clicks

def test_a_double_clicked_message_is_sent_once(app, db, personas, clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["resident"])
    token = csrf_token(browser, "/messages")
    import re

    nonce = re.search(r'name="nonce" type="hidden" value="(\w+)"|name="nonce" value="(\w+)"',
                      browser.get("/messages").get_data(as_text=True))
    nonce = next(g for g in nonce.groups() if g)
    for _ in range(2):
        browser.post("/messages", data={"text": "Bare én gang", "nonce": nonce, "csrf_token": token})
    assert _count(db, Message) == 1


def test_a_double_clicked_guide_message_is_sent_once_with_one_notice(app, db, personas, clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["guide"])
    screen = f"/guide/residents/{personas['resident'].id}"
    token = csrf_token(browser, screen)
    for _ in range(2):
        browser.post(screen + "/messages", data={"text": "Hei", "nonce": "n0nce", "csrf_token": token})
    assert _count(db, Message) == 1
    assert _count(db, Notification, Notification.kind == "new_message") == 1


def test_a_double_clicked_checkin_is_sent_once(app, db, personas, clock):
    guided_resident(db, personas)
    browser = app.test_client()
    login(browser, personas["resident"])
    token = csrf_token(browser, "/checkin")
    first = browser.post("/checkin", data={"how_it_went": "Første", "csrf_token": token})
    second = browser.post("/checkin", data={"how_it_went": "Andre", "csrf_token": token})
    assert first.status_code == second.status_code == 302
    db.expire_all()
    assert db.scalar(select(Checkin.how_it_went)) == "Første"


def test_feedback_published_twice_is_one_message_and_one_notice(app, db, personas, clock):
    _, checkin = submitted_checkin(db, personas)
    browser = app.test_client()
    login(browser, personas["guide"])
    screen = f"/guide/residents/{personas['resident'].id}"
    token = csrf_token(browser, screen)
    for _ in range(2):
        browser.post(screen + "/feedback", data={"body": "Godt jobbet", "minutes": "10",
                                                 "checkin_id": str(checkin.id), "csrf_token": token})
    assert _count(db, Message, Message.kind == "feedback") == 1
    assert _count(db, Notification, Notification.kind == "new_message") == 1


def test_two_concurrent_publish_clicks_send_one_feedback(app, db, personas, clock, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from sqlalchemy.orm import Session

    from selfhelp.checkins import services

    _, checkin = submitted_checkin(db, personas)
    engine = app.extensions["db"].engine
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[str] = []
    local = threading.local()

    class PerThreadSession:  # each click has its own database session and connection
        def __getattr__(self, name):
            return getattr(local.session, name)

    def click():
        from selfhelp.accounts.models import User

        with app.app_context(), Session(engine) as own:
            local.session = own
            mine = own.get(Checkin, checkin.id)
            guide = own.get(User, personas["guide"].id)
            barrier.wait()
            try:
                services.publish_feedback(guide, mine, "Samtidig", 5, clock_now())
                own.commit()
                outcomes.append("sent")
            except services.CheckinError:
                own.rollback()
                outcomes.append("refused")
            except Exception as error:  # shown in the assertion below
                outcomes.append(repr(error))

    from unittest import mock

    with mock.patch("selfhelp.checkins.services.db", PerThreadSession()), \
            mock.patch("selfhelp.notifications.services.db", PerThreadSession()):
        threads = [threading.Thread(target=click) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert _count(db, Message, Message.kind == "feedback") == 1
    assert _count(db, Notification, Notification.kind == "new_message") == 1


def clock_now():
    from selfhelp.clock import now

    return now()
