"""The demo mail viewer: only in demo mode with file mail, only the admin's municipalities, token
links masked, and a closed account's mail is deleted with it."""
from __future__ import annotations

from pathlib import Path

import pytest

from selfhelp.channels.email import build_message, write_mail_file
from tests import factories
from tests.conftest import login, post_form
from tests.smtp import send_queued_mail

RESET_LINK = "http://localhost/reset-password/abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture
def mail_dir(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path), DEMO_MODE=True)
    return tmp_path


def _mail(to: str, subject: str, text: str = "Hei") -> None:
    write_mail_file(build_message(to, subject, text, f"<p>{text}</p>"), "test")


def test_the_viewer_does_not_exist_outside_demo_mode(app, personas, as_persona, mail_dir):
    app.config.update(DEMO_MODE=False)
    _mail(personas["resident"].email, "Nytt passord")
    client = as_persona("admin")
    assert client.get("/admin/mail").status_code == 404
    assert "/admin/mail" not in client.get("/dashboard").get_data(as_text=True)


def test_the_viewer_does_not_exist_with_the_smtp_backend_even_in_demo_mode(app, personas, as_persona,
                                                                           mail_dir):
    app.config.update(MAIL_BACKEND="smtp")
    assert as_persona("admin").get("/admin/mail").status_code == 404


def test_the_viewer_shows_only_mail_to_people_of_the_admins_municipalities(db, personas, as_persona,
                                                                           mail_dir):
    bergen = factories.make_resident(name="Berit Bergen", municipality=factories.OTHER_MUNICIPALITY)
    db.commit()
    _mail(personas["resident"].email, "Til Drammen")
    _mail(bergen.email, "Til Bergen")
    _mail(personas["other_guide"].email, "Til Bergens veileder")
    _mail("stranger@example.com", "Til en ukjent")
    page = as_persona("admin").get("/admin/mail").get_data(as_text=True)
    assert "Til Drammen" in page
    assert "Til Bergen" not in page and "Til Bergens veileder" not in page
    assert "Til en ukjent" not in page

    bergen_admin = factories.make_staff(roles=["admin"], municipalities=[factories.OTHER_MUNICIPALITY])
    db.commit()
    client = as_persona("anonymous")
    login(client, bergen_admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Til Bergen" in page and "Til Drammen" not in page


def test_token_links_are_masked_unless_the_local_demo_shows_them(app, personas, as_persona, mail_dir):
    _mail(personas["resident"].email, "Nytt passord", f"Velg nytt passord her:\n{RESET_LINK}\n")
    page = as_persona("admin").get("/admin/mail").get_data(as_text=True)
    assert "abcdefghijklmnopqrstuvwxyz0123456789" not in page
    assert "[lenke skjult]" in page
    app.config.update(DEMO_MAIL_SHOW_LINKS=True)
    assert RESET_LINK in as_persona("admin").get("/admin/mail").get_data(as_text=True)


def test_a_reset_requested_for_a_resident_cannot_be_read_by_an_admin(db, app, personas, as_persona,
                                                                     mail_dir):
    post_form(app.test_client(), "/forgot-password", {"email": personas["resident"].email})
    send_queued_mail()
    assert list(Path(mail_dir).glob("*.eml"))
    page = as_persona("admin").get("/admin/mail").get_data(as_text=True)
    assert "/reset-password/" not in page and "[lenke skjult]" in page


def test_closing_an_account_deletes_its_stored_mail(db, personas, as_persona, mail_dir):
    _mail(personas["resident"].email, "Til Rita")
    _mail(personas["other_resident"].email, "Til Otto")
    response = post_form(as_persona("resident"), "/account/close",
                         {"password": factories.PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    subjects = [p.read_text() for p in Path(mail_dir).glob("*.eml")]
    assert not any("Til Rita" in s for s in subjects)
    assert any("Til Otto" in s for s in subjects)


def test_the_marker_file_of_setup_demo_turns_demo_mode_on(app, tmp_path):
    from selfhelp.config import DEMO_MARKER, load_config

    assert load_config(str(tmp_path))["DEMO_MODE"] is False
    (tmp_path / DEMO_MARKER).write_text("demo")
    assert load_config(str(tmp_path))["DEMO_MODE"] is True
