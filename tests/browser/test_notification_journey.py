"""The notification centre and notification settings in a browser (phone width)."""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from selfhelp.checkins import services
from selfhelp.notifications.delivery import send_due
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.people import log_in, menu

pytestmark = pytest.mark.browser

#: Delivery runs at a fixed daytime instant, outside quiet hours, whenever the test runs.
DAYTIME = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)


def _message_from_guide(live_db, guide, resident, text: str) -> None:
    services.post_message(guide, resident, text, DAYTIME)
    live_db.commit()
    send_due(DAYTIME, worker="browser-test")
    live_db.expire_all()


def test_the_bell_the_centre_and_settings_that_take_effect(page, live_server, live_db, mailbox):
    base = live_server.url
    guide = factories.make_staff(roles=["guide"], email="guide@example.com")
    resident = factories.make_resident(email="rita@example.com", name="Rita Resident")
    live_db.commit()
    _message_from_guide(live_db, guide, resident, "Hei Rita, hvordan gikk uka?")
    assert [m["Subject"] for m in mailbox.messages] == ["Du har en ny melding i selfhelp"]

    log_in(page, base, "rita@example.com")
    bell = menu(page).get_by_role("link", name=re.compile("Varsler"))
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_role("heading", name="Varsler")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Du har en ny melding i selfhelp")).click()
    expect(page).to_have_url(re.compile(r"/messages$"))
    expect(page.locator("#unread-count")).to_have_count(0)  # read now

    page.goto(base + "/account/notifications")
    assert_accessible(page)
    page.get_by_label("Ny melding eller tilbakemelding fra veilederen").uncheck()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Varslingsinnstillingene er lagret.")).to_be_visible()
    expect(page.get_by_label("Ny melding eller tilbakemelding fra veilederen")).not_to_be_checked()

    # Takes effect: the next message is not emailed, but it is in the centre, unread.
    _message_from_guide(live_db, guide, resident, "Husk øvelsen til neste uke.")
    assert len(mailbox.messages) == 1
    page.goto(base + "/notifications")
    expect(page.locator("#unread-count")).to_have_text("1")
    expect(page.locator(".notification.unread")).to_have_count(1)
    page.get_by_role("button", name="Merk alle som lest").click()
    expect(page.locator(".notification.unread")).to_have_count(0)
