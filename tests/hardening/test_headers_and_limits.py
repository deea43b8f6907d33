"""Caching, request size and running behind a reverse proxy."""
from __future__ import annotations

import pytest

from tests.conftest import _build_app, csrf_token, post_form


@pytest.mark.parametrize("persona, path", [("resident", "/dashboard"), ("resident", "/progress"),
                                           ("admin", "/admin/audit"), ("admin", "/admin/audit.csv"),
                                           ("anonymous", "/login"), ("anonymous", "/no-such-page")])
def test_pages_and_exports_are_never_stored_by_a_cache(as_persona, persona, path):
    response = as_persona(persona).get(path)
    assert response.headers["Cache-Control"] == "no-store", (path, response.status_code)


def test_static_files_keep_their_caching(client, app):
    import os

    name = next(n for n in sorted(os.listdir(os.path.join(app.static_folder, "css"))) if n.endswith(".css"))
    response = client.get(f"/static/css/{name}")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_a_twenty_megabyte_field_is_refused_with_a_clear_page(as_persona, personas):
    client = as_persona("resident")
    token = csrf_token(client)
    response = client.post("/programs/depression/01-forsta-depresjon/exercises/goals",
                           data={"csrf_token": token, "f-general_goal": "x" * (20 * 1024 * 1024)})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Det du sendte, er for stort" in html and "2 MB" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_the_size_page_is_in_english_for_english_readers(client):
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()


def test_an_ordinary_long_text_still_fits(as_persona, personas, clock):
    client = as_persona("resident")
    post_form(client, "/programs/depression/start", {}, page="/programs/depression")
    page = "/programs/depression/01-forsta-depresjon"
    response = post_form(client, page + "/exercises/goals", {"f-general_goal": "ord " * 2000}, page=page)
    assert response.status_code == 302


def _proxied_app(backend, request, smtp_server, trusted: int):
    app = _build_app(backend, request, smtp_server, extra={"TRUSTED_PROXIES": trusted})
    return app


@pytest.mark.parametrize("trusted", [0, 1])
def test_https_through_a_trusted_proxy_gives_hsts_and_secure_cookies(backend, request, smtp_server, trusted):
    app = _proxied_app(backend, request, smtp_server, trusted)
    with app.app_context():
        client = app.test_client()
        response = client.get("/login", headers={"X-Forwarded-Proto": "https",
                                                 "X-Forwarded-For": "203.0.113.7"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the login page sets the session cookie"
    if trusted:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert all("Secure" in c for c in cookies)
    else:  # anyone can send X-Forwarded-Proto: without a trusted proxy it changes nothing
        assert "Strict-Transport-Security" not in response.headers
        assert not any("Secure" in c for c in cookies)
    app.extensions["db"].engine.dispose()


def test_the_trusted_proxy_gives_the_client_address(backend, request, smtp_server):
    app = _proxied_app(backend, request, smtp_server, 1)
    with app.app_context():
        from flask import request as flask_request

        seen = []
        app.before_request(lambda: seen.append(flask_request.remote_addr))
        app.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen == ["203.0.113.7"]
    app.extensions["db"].engine.dispose()


def test_hsts_can_be_turned_off(backend, request, smtp_server):
    app = _build_app(backend, request, smtp_server, extra={"TRUSTED_PROXIES": 1, "HSTS": False})
    with app.app_context():
        response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    app.extensions["db"].engine.dispose()
