"""The header: a menu button for phones, destinations apart from the account group, the current
destination marked, and "Akutt hjelp" in the header on every page."""
import re

from tests.conftest import login


def _header(html: str) -> str:
    return html.partition("<header")[2].partition("</header>")[0]


def test_menu_button_controls_the_menu_and_is_a_real_button(client, db):
    header = _header(client.get("/").get_data(as_text=True))
    button = re.search(r'<button type="button"[^>]*data-menu-button[^>]*>', header).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="site-menu"' in button
    assert 'id="site-menu"' in header
    assert 'href="/help"' in header.partition('id="site-menu"')[0], "Akutt hjelp sits outside the menu"


def test_current_destination_is_marked_and_account_items_sit_apart(app, db, personas):
    client = app.test_client()
    login(client, personas["resident"])
    header = _header(client.get("/dashboard").get_data(as_text=True))
    nav, _, account = header.partition('class="account-menu"')
    assert re.search(r'<a href="/dashboard" aria-current="page">Min side</a>', nav)
    assert nav.count("aria-current") == 1
    assert "Logg ut" not in nav and "English" not in nav
    assert 'href="/account"' in account and "Logg ut" in account and "English" in account

    header = _header(client.get("/account").get_data(as_text=True))
    assert re.search(r'<a href="/account" aria-current="page">Konto</a>', header)
    assert 'href="/dashboard" aria-current' not in header


def test_staff_see_min_profil_in_the_account_group(app, db, personas):
    client = app.test_client()
    login(client, personas["guide"])
    header = _header(client.get("/dashboard").get_data(as_text=True))
    nav, _, account = header.partition('class="account-menu"')
    assert ">Kø<" in nav and "Min profil" not in nav
    assert "Min profil" in account and 'href="/account"' not in account



def test_the_menu_button_tells_of_unread_notifications_folded_inside(app, db, personas):
    from datetime import datetime, timezone

    from selfhelp.notifications.models import Notification

    client = app.test_client()
    login(client, personas["resident"])

    def button() -> str:
        html = _header(client.get("/dashboard").get_data(as_text=True))
        return html.partition("data-menu-button")[2].partition("</button>")[0]

    assert "ulest" not in button()
    now = datetime.now(timezone.utc)
    db.add(Notification(recipient_id=personas["resident"].id, kind="new_message", occurrence="m:1",
                        channel="email", created_at=now, due_at=now, state="sent", sent_at=now,
                        shown_at=now, context={"title": "Melding", "link": "http://x.test/messages"}))
    db.commit()
    assert ">1</span>" in button() and "1 ulest varsel" in button()
