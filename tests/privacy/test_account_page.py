"""Konto: every account setting of a resident on one page, each with what is set now."""
from selfhelp.notifications.catalogue import topics_for
from selfhelp.notifications.preferences import save_settings
from tests.conftest import post_form


def test_the_konto_page_shows_what_is_set_and_where_to_change_it(as_persona, personas, db):
    resident = personas["resident"]
    page = as_persona("resident").get("/account").get_data(as_text=True)
    assert ">Konto</h1>" in page
    assert resident.email in page and resident.name in page
    for link in ("/account/email", "/account/password", "/account/sessions", "/account/notifications",
                 "/account/access-log", "/account/export", "/account/close"):
        assert f'href="{link}"' in page, link
    assert "På e-post" in page and "1 sted" in page  # this login is the one open session


def test_the_notice_summary_follows_the_settings(as_persona, personas, db):
    resident = personas["resident"]
    topics = topics_for(False, True)
    save_settings(db, resident.id, topics, channel="in_app", wanted=set(), daily_digest=True,
                  quiet_start_hour=22, quiet_end_hour=7)
    db.commit()
    page = as_persona("resident").get("/account").get_data(as_text=True)
    muted = sum(1 for t in topics if t.can_mute)
    assert "Bare i selfhelp, samlet én gang om dagen" in page
    assert f"{muted} typer varsel er slått av" in page
    assert "Ingen varsler mellom kl. 22 og 07." in page


def test_the_konto_page_in_english(as_persona, db):
    client = as_persona("resident")
    post_form(client, "/language", {"language": "en", "next": "/account"})
    page = client.get("/account").get_data(as_text=True)
    assert ">Account</h1>" in page and "About you" in page and ">Edit<" in page


def test_the_old_data_page_sends_people_to_konto(as_persona, db):
    response = as_persona("resident").get("/account/privacy")
    assert response.status_code == 301 and response.location.endswith("/account#account-data")
