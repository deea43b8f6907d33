import pytest
from flask import abort

from tests import factories
from tests.conftest import csrf_token, login, post_form


def test_front_page_explains_the_three_kinds_of_help_with_crisis_contacts(client, db):
    html = client.get("/").get_data(as_text=True)
    for text in ("Selvhjelpsprogram", "Kurs i gruppe", "Veiledning hver uke", "Akutt hjelp", "113"):
        assert text in html
    assert '<html lang="nb">' in html


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/terms", "/privacy", "/help"])
def test_crisis_contacts_are_one_click_away_on_every_page(client, db, path):
    assert 'href="/help"' in client.get(path).get_data(as_text=True)


def test_crisis_page_lists_every_number_as_a_phone_link(client, db):
    html = client.get("/help").get_data(as_text=True)
    for number, tel in (("113", "113"), ("116 117", "116117"), ("116 123", "116123"),
                        ("22 40 00 40", "22400040")):
        assert f'href="tel:{tel}">{number}</a>' in html


def test_language_switch_sticks_for_anonymous_visitors(client, db):
    response = client.post("/language", data={"language": "en", "next": "/help",
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/help"
    html = client.get("/help").get_data(as_text=True)
    assert '<html lang="en">' in html and "Urgent help" in html


def test_language_choice_is_stored_on_the_profile(app, db):
    user = factories.make_resident()
    db.commit()
    client = app.test_client()
    login(client, user)
    post_form(client, "/language", {"language": "en", "next": "/dashboard"})
    db.expire_all()
    assert db.get(type(user), user.id).locale == "en"
    other_device = app.test_client()
    login(other_device, db.get(type(user), user.id))
    assert '<html lang="en">' in other_device.get("/dashboard").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(client, db):
    response = client.post("/language", data={"language": "xx", "next": "https://evil.example",
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"
    assert '<html lang="nb">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("lang, code, text", [
    ("nb", 404, "Fant ikke siden"), ("en", 404, "Page not found"),
    ("nb", 405, "Det går ikke an å gjøre det her"), ("en", 405, "cannot be done here"),
])
def test_error_pages_speak_the_users_language(client, db, lang, code, text):
    client.set_cookie("lang", lang)
    response = client.get("/no-such-page") if code == 404 else client.get("/logout")
    assert response.status_code == code
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("code", [400, 403, 429, 500])
def test_every_error_page_renders_in_both_languages(app, code):
    @app.route(f"/boom{code}")
    def boom():
        if code == 500:
            raise RuntimeError("something broke")
        abort(code)

    for lang in ("nb", "en"):
        client = app.test_client()
        client.set_cookie("lang", lang)
        response = client.get(f"/boom{code}")
        assert response.status_code == code
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html and "Traceback" not in html
