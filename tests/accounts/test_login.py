from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from selfhelp.accounts.models import User
from tests import factories
from tests.conftest import post_form


def _login(client, email, password, **kwargs):
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def test_resident_logs_in_and_out(client, db):
    user = factories.make_resident(email="rita@example.com")
    db.commit()
    response = _login(client, "RITA@example.com", factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert "Hei, Person" in client.get("/dashboard").get_data(as_text=True)
    logout = post_form(client, "/logout", {})
    assert logout.status_code == 302
    assert client.get("/dashboard").status_code == 302  # to the login page
    db.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_message(client, db):
    factories.make_resident(email="rita@example.com")
    db.commit()
    wrong = _login(client, "rita@example.com", "not the password").get_data(as_text=True)
    unknown = _login(client, "nobody@example.com", "not the password").get_data(as_text=True)
    assert "E-post eller passord er feil." in wrong
    assert "E-post eller passord er feil." in unknown
    assert 'value="rita@example.com"' in wrong  # the email stays in the form


def test_login_is_refused_after_repeated_failures_without_revealing_the_account(client, db, clock):
    factories.make_resident(email="rita@example.com")
    db.commit()
    for _ in range(5):
        _login(client, "rita@example.com", "wrong password")
        _login(client, "ghost@example.com", "wrong password")
    for email in ("rita@example.com", "ghost@example.com"):
        response = _login(client, email, factories.PASSWORD if email.startswith("rita") else "x")
        assert response.status_code == 429
        assert "For mange mislykkede forsøk" in response.get_data(as_text=True)
    clock.shift(timedelta(minutes=16))
    assert _login(client, "rita@example.com", factories.PASSWORD).status_code == 302


def test_many_failures_from_one_address_are_throttled_across_accounts(client, db, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    factories.make_resident(email="rita@example.com")
    db.commit()
    for n in range(3):
        _login(client, f"guess{n}@example.com", "wrong password")
    assert _login(client, "rita@example.com", factories.PASSWORD).status_code == 429


def test_password_is_rehashed_on_login_when_parameters_change(client, db, app):
    user = factories.make_resident(email="rita@example.com")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(factories.PASSWORD)
    old_hash = user.password_hash
    db.commit()
    assert _login(client, "rita@example.com", factories.PASSWORD).status_code == 302
    db.expire_all()
    new_hash = db.scalar(select(User).where(User.email == "rita@example.com")).password_hash
    assert new_hash != old_hash and "m=8" in new_hash


def test_deactivated_staff_cannot_log_in(client, db):
    user = factories.make_staff(roles=["guide"], email="gone@example.com")
    user.active = False
    db.commit()
    assert "E-post eller passord er feil." in _login(client, "gone@example.com", factories.PASSWORD).get_data(as_text=True)


def test_login_redirects_only_to_pages_on_this_site(client, db):
    factories.make_resident(email="rita@example.com")
    db.commit()
    evil = _login(client, "rita@example.com", factories.PASSWORD, page="/login",
                  query_string={"next": "https://evil.example/"})
    assert evil.headers["Location"].endswith("/dashboard")


def test_logging_out_needs_a_csrf_token(client, db):
    from tests.conftest import login

    user = factories.make_resident()
    db.commit()
    login(client, user)
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 200
