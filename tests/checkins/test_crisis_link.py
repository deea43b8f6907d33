"""The messages page points to the crisis page with a real link, not plain words."""
from flask import url_for

from tests.checkins.helpers import guided_resident


def test_messages_page_links_to_urgent_help(app, as_persona, personas, db, clock):
    guided_resident(db, personas)
    html = as_persona("resident").get("/messages").get_data(as_text=True)
    with app.test_request_context():
        crisis = url_for("pages.crisis")
    assert f'se <a class="ds-link" href="{crisis}">akutthjelp</a>' in html
