"""Idle timeout, asking for the password again, new terms, changing email, security headers,
and login throttling shared by several web workers."""
import re
from datetime import timedelta

from sqlalchemy import select

from selfhelp import create_app
from selfhelp.accounts.models import User
from selfhelp.config import SettingsForTests
from selfhelp.db import Base
from tests import factories
from tests.conftest import csrf_token, log_in_with_code, post_form
from tests.smtp import send_queued_mail, text_of


def test_a_staff_session_ends_after_thirty_idle_minutes(client, db, clock):
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    log_in_with_code(client, "gina@example.com")
    clock.shift(timedelta(minutes=29))
    assert client.get("/guide/").status_code == 200
    clock.shift(timedelta(minutes=29))  # active 29 minutes ago: still in
    assert client.get("/guide/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/guide/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "ikke hadde vært aktiv" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_staff_idle_limit_is_configurable(client, db, clock, app):
    app.config["STAFF_IDLE_MINUTES"] = 5
    factories.make_staff(roles=["guide"], email="gina@example.com")
    db.commit()
    log_in_with_code(client, "gina@example.com")
    clock.shift(timedelta(minutes=6))
    assert client.get("/guide/").status_code == 302


def test_residents_stay_logged_in_for_days(client, db, clock):
    factories.make_resident(email="rita@example.com")
    db.commit()
    response = post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD})
    assert "Expires=" in response.headers["Set-Cookie"]  # survives closing the browser
    clock.shift(timedelta(days=13))
    assert client.get("/dashboard").status_code == 200
    clock.shift(timedelta(days=15))
    assert client.get("/dashboard").status_code == 302


def test_changing_email_asks_for_the_password_again_and_reverifies(client, db, clock, mailbox):
    user = factories.make_resident(email="rita@example.com")
    db.commit()
    post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD})
    assert client.get("/account/email").status_code == 200  # just typed the password
    clock.shift(timedelta(minutes=11))
    response = client.get("/account/email")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/confirm-password?next=/account/email")
    # A late POST does nothing without the password either.
    late = post_form(client, "/account/email", {"email": "new@example.com"},
                     page="/account/confirm-password")
    assert "/account/confirm-password" in late.headers["Location"]
    wrong = post_form(client, "/account/confirm-password?next=/account/email", {"password": "nope"})
    assert "Passordet stemmer ikke." in wrong.get_data(as_text=True)
    right = post_form(client, "/account/confirm-password?next=/account/email",
                      {"password": factories.PASSWORD})
    assert right.headers["Location"].endswith("/account/email")
    response = post_form(client, "/account/email", {"email": "Rita.New@example.com"})
    assert response.status_code == 302
    db.expire_all()
    user = db.get(User, user.id)
    assert user.email == "rita.new@example.com" and user.email_verified_at is None
    send_queued_mail()
    message = mailbox.messages[-1]
    assert message["To"] == "rita.new@example.com"
    link = re.search(r"http://localhost(/verify/\S+)", text_of(message)).group(1)
    client.get(link)
    db.expire_all()
    assert db.get(User, user.id).email_verified_at is not None


def test_an_email_in_use_is_refused(client, db, clock):
    factories.make_resident(email="rita@example.com")
    factories.make_resident(email="otto@example.com")
    db.commit()
    post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD})
    html = post_form(client, "/account/email", {"email": "OTTO@example.com"}).get_data(as_text=True)
    assert "Det finnes allerede en konto" in html


def test_residents_accept_new_terms_before_going_on(client, db, clock, app):
    user = factories.make_resident(email="rita@example.com")
    db.commit()
    app.config["TERMS_VERSION"] = "2027-01"
    response = post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD},
                         query_string={"next": "/progress"})
    page = client.get(response.headers["Location"])
    assert page.status_code == 302 and "/account/terms?next=/progress" in page.headers["Location"]
    html = client.get("/account/terms?next=/progress").get_data(as_text=True)
    assert "Vi har oppdatert vilkårene" in html and 'href="/terms"' in html and 'href="/privacy"' in html
    assert client.get("/terms").status_code == 200  # readable before accepting
    refused = post_form(client, "/account/terms?next=/progress", {})
    assert "Du må godta vilkårene" in refused.get_data(as_text=True)
    accepted = post_form(client, "/account/terms?next=/progress", {"accept_terms": "y"})
    assert accepted.headers["Location"].endswith("/progress")
    db.expire_all()
    user = db.get(User, user.id)
    assert user.terms_version == "2027-01" and user.terms_accepted_at is not None
    assert client.get("/dashboard").status_code == 200


def test_text_sent_just_after_the_terms_changed_is_saved_first(as_persona, db, app, clock):
    from selfhelp.programs.models import WorksheetAnswer

    client = as_persona("resident")
    module = "/programs/depression/01-forsta-depresjon"
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    token = csrf_token(client, module)
    app.config["TERMS_VERSION"] = "2027-01"  # changes while the resident is writing
    client.post(module + "/exercises/goals", data={"f-general_goal": "Skrevet før nye vilkår",
                                                   "csrf_token": token})
    assert db.scalar(select(WorksheetAnswer)).data["general_goal"] == "Skrevet før nye vilkår"
    assert "/account/terms" in client.get("/dashboard").headers["Location"]


def test_every_response_carries_the_security_headers(as_persona, personas, client):
    pages = [(client, "/"), (client, "/login"), (client, "/static/css/app.css"),
             (as_persona("resident"), "/dashboard"), (as_persona("guide"), "/guide/"),
             (client, "/no-such-page")]
    for c, path in pages:
        response = c.get(path)
        headers = response.headers
        response.close()
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "http" not in csp  # no third-party sources
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers, path
    secure = client.get("/", base_url="https://localhost").headers
    assert secure["Strict-Transport-Security"].startswith("max-age=")


def test_login_throttling_holds_across_web_workers(tmp_path, smtp_server):
    """Two app instances on one database, as two gunicorn workers: failures on one count on
    the other."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    workers = [create_app(SettingsForTests(database_url=url, mail_port=smtp_server.port).as_dict())
               for _ in range(2)]
    Base.metadata.create_all(workers[0].extensions["db"].engine)
    with workers[0].app_context():
        from selfhelp.db import db

        factories.make_resident(email="rita@example.com")
        db.commit()
    try:
        for n in range(5):
            worker = workers[n % 2].test_client()
            assert post_form(worker, "/login", {"email": "rita@example.com",
                                                "password": "wrong"}).status_code == 200
        for app in workers:
            response = post_form(app.test_client(), "/login",
                                 {"email": "rita@example.com", "password": factories.PASSWORD})
            assert response.status_code == 429
    finally:
        for app in workers:
            app.extensions["db"].engine.dispose()


def test_worksheet_text_posted_after_the_idle_timeout_is_kept_and_saved_after_login(client, db, clock):
    from sqlalchemy import select

    from selfhelp.programs.models import WorksheetAnswer

    module = "/programs/depression/01-forsta-depresjon"
    factories.make_resident(email="rita@example.com")
    db.commit()
    post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD})
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    token = csrf_token(client, module)
    clock.shift(timedelta(days=15))  # idle far longer than residents may be
    response = client.post(module + "/exercises/goals",
                           data={"f-general_goal": "Skrevet før pausen", "csrf_token": token})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert db.scalar(select(WorksheetAnswer)) is None
    post_form(client, "/login", {"email": "rita@example.com", "password": factories.PASSWORD},
              query_string={"next": module})
    assert "Skrevet før pausen" in client.get(module).get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(WorksheetAnswer)).data["general_goal"] == "Skrevet før pausen"


def test_nul_characters_are_dropped_from_posted_text(client, db, clock):
    factories.make_resident(email="rita@example.com")
    db.commit()
    html = post_form(client, "/login", {"email": "rita@example.com", "password": "a\x00b"}
                     ).get_data(as_text=True)
    assert "E-post eller passord er feil." in html
    response = post_form(client, "/login", {"email": "rita@\x00example.com",
                                            "password": factories.PASSWORD})
    assert response.status_code == 302
