"""The guide's check-in screen: two columns (the resident's week | the thread and the editor),
a preview of the feedback that works without JavaScript, and minutes counted per visit."""
import re
from datetime import timedelta

from sqlalchemy import select

from selfhelp.checkins.models import Checkin, FeedbackDraft, Message
from tests.checkins.helpers import submitted_checkin
from tests.conftest import csrf_token, post_form


def _page(personas):
    return f"/guide/residents/{personas['resident'].id}"


def _minutes(html: str) -> int:
    return int(re.search(r'id="minutes"[^>]*value="(\d+)"', html).group(1))


def test_the_residents_week_is_on_one_side_and_the_thread_and_editor_on_the_other(as_persona, personas, db, clock):
    submitted_checkin(db, personas)
    html = as_persona("guide").get(_page(personas)).get_data(as_text=True)
    main, side = html.split('<div class="guide-main">')[1].split('<aside class="guide-side"')
    assert all(part in main for part in ('id="week-title"', 'id="ws-title"', 'id="scores-title"', 'id="program"'))
    assert main.index('id="ws-title"') < main.index('id="scores-title"')  # worksheets before the charts
    assert 'id="thread-title"' in side and 'id="feedback"' in side and 'id="thread-title"' not in main
    assert side.index('id="thread-title"') < side.index('id="feedback"')
    # On a phone the editor comes last: a link at the top goes to it.
    assert '<p class="jump-to-editor"><a href="#feedback">' in html
    # The scrolling thread can be reached and scrolled with the keyboard.
    assert 'class="thread-scroll" tabindex="0" role="region"' in side


def test_preview_shows_the_feedback_as_the_resident_will_read_it_and_keeps_the_text(as_persona, personas, db, clock):
    _enrolment, checkin = submitted_checkin(db, personas)
    guide = as_persona("guide")
    text = "Så bra, **Rita**!\n\n- gå tur\n- ring en venn\n\n<script>alert(1)</script>"
    response = post_form(guide, _page(personas) + "/feedback", {
        "checkin_id": checkin.id, "body": text, "minutes": "7", "do": "preview"}, page=_page(personas))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = html.split('id="preview"')[1].split("</section>")[0]
    assert "<strong>Rita</strong>" in preview and "<li>gå tur</li>" in preview
    assert "<script>alert" not in html  # sanitized in the preview, escaped in the textarea
    assert "Så bra, **Rita**!" in html.split('name="body"')[1].split("</textarea>")[0]
    assert _minutes(html) == 7  # what the guide typed stays too
    db.expire_all()
    assert db.scalar(select(FeedbackDraft.body)) == text  # kept as the draft as well
    assert db.get(Checkin, checkin.id).state == "submitted" and db.scalar(select(Message)) is None


def test_preview_of_nothing_says_so(as_persona, personas, db, clock):
    _enrolment, checkin = submitted_checkin(db, personas)
    html = post_form(as_persona("guide"), _page(personas) + "/feedback", {
        "checkin_id": checkin.id, "body": "", "minutes": "", "do": "preview"},
        page=_page(personas)).get_data(as_text=True)
    assert "Det er ingenting å vise ennå" in html


def test_only_the_residents_guide_can_preview(as_persona, personas, db, clock):
    _enrolment, checkin = submitted_checkin(db, personas)
    other = as_persona("other_guide")
    response = other.post(_page(personas) + "/feedback", data={
        "checkin_id": checkin.id, "body": "Hei", "do": "preview", "csrf_token": csrf_token(other, "/guide/")})
    assert response.status_code == 404
    assert db.scalar(select(FeedbackDraft)) is None


def test_minutes_count_the_visits_not_the_days_since_the_check_in_was_first_opened(as_persona, personas, db, clock):
    _enrolment, checkin = submitted_checkin(db, personas)
    page = _page(personas)
    guide = as_persona("guide")
    guide.get(page)  # first visit: 5 minutes of reading and writing
    clock.shift(timedelta(minutes=5))
    post_form(guide, page + "/feedback", {"checkin_id": checkin.id, "body": "Utkast", "do": "draft"}, page=page)
    clock.shift(timedelta(days=2))  # away for two days
    guide = as_persona("guide")
    assert _minutes(guide.get(page).get_data(as_text=True)) == 5
    clock.shift(timedelta(minutes=10))  # the second visit: 10 minutes more
    saved = guide.post(page + "/feedback", data={"checkin_id": checkin.id, "body": "Utkast to",
                                                 "csrf_token": csrf_token(guide, page)},
                       headers={"Accept": "application/json"})
    assert saved.json["minutes"] == 15
    assert _minutes(guide.get(page).get_data(as_text=True)) == 15
