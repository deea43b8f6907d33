"""What the resident sees after sending the week's check-in: what they sent, in the thread, who
answers by when; the dashboard says it is sent instead of offering the button again."""
import re
from datetime import timedelta

from sqlalchemy import select

from selfhelp.checkins import services
from selfhelp.checkins.models import Checkin
from selfhelp.clock import now
from tests.checkins.helpers import guided_resident
from tests.conftest import post_form
from tests.querycount import count_queries


def _send(as_persona, db, personas, text="Tung uke, men jeg gikk to turer\nog sov bedre"):
    guided_resident(db, personas)
    resident = as_persona("resident")
    response = post_form(resident, "/checkin", {"how_it_went": text})
    assert response.status_code == 302 and response.location.endswith("/messages#latest-checkin")
    return resident, db.scalar(select(Checkin))


def test_the_thread_shows_the_sent_check_in_and_who_answers_by_when(as_persona, db, personas, clock):
    resident, checkin = _send(as_persona, db, personas)
    page = resident.get("/messages").get_data(as_text=True)
    entry = page[page.index('id="latest-checkin"'):]
    assert "Tung uke, men jeg gikk to turer\nog sov bedre" in entry  # kept as typed, lines kept
    assert "Sjekk-inn uke 1" in entry
    guide = personas["guide"].shown_name
    # Sent Monday 2 March 10:00 Oslo, two working days: due Wednesday 4 March at 16:00.
    assert f"{guide} svarer innen onsdag 4. mars 2026 kl. 16.00." in entry, entry[:600]


def test_the_dashboard_says_sent_instead_of_the_check_in_button(as_persona, db, personas, clock):
    guided_resident(db, personas)
    resident = as_persona("resident")
    before = resident.get("/dashboard").get_data(as_text=True)
    assert 'href="/checkin"' in before and "data-checkin-sent" not in before
    post_form(resident, "/checkin", {"how_it_went": "Bedre uke"})
    after = resident.get("/dashboard").get_data(as_text=True)
    assert 'href="/checkin"' not in after and "data-checkin-sent" in after
    assert f"{personas['guide'].shown_name} svarer innen" in after


def test_after_the_guide_answers_the_dashboard_points_to_the_answer(as_persona, db, personas, clock):
    resident, checkin = _send(as_persona, db, personas)
    services.publish_feedback(personas["guide"], checkin, "Fint at du gikk turer.", 10, now())
    db.commit()
    page = resident.get("/dashboard").get_data(as_text=True)
    assert "Veilederen har svart på sjekk-inn for denne uka." in page
    thread = resident.get("/messages").get_data(as_text=True)
    assert 'id="latest-checkin"' not in thread and "svarer innen" not in thread
    assert thread.index("Tung uke") < thread.index("Fint at du gikk turer.")


def test_the_check_in_page_shows_what_was_sent(as_persona, db, personas, clock):
    resident, _ = _send(as_persona, db, personas, text="Kort uke")
    page = resident.get("/checkin").get_data(as_text=True)
    assert "Dette sendte du" in page and "Kort uke" in page and "<textarea" not in page


def test_the_thread_costs_the_same_queries_for_one_week_or_eight(app, as_persona, db, personas, clock):
    enrolment = guided_resident(db, personas, weeks_ago=8)
    resident = as_persona("resident")
    db.add(Checkin(enrolment_id=enrolment.id, resident_id=enrolment.resident_id, week=1,
                   opens_on=enrolment.start_date + timedelta(weeks=1), state="closed",
                   how_it_went="uke 1", submitted_at=now()))
    db.commit()
    with count_queries(app.extensions["db"].engine) as few:
        resident.get("/messages")
    for week in range(2, 8):
        db.add(Checkin(enrolment_id=enrolment.id, resident_id=enrolment.resident_id, week=week,
                       opens_on=enrolment.start_date + timedelta(weeks=week), state="closed",
                       how_it_went=f"uke {week}", submitted_at=now()))
    db.commit()
    with count_queries(app.extensions["db"].engine) as many:
        resident.get("/messages")
    assert len(many) == len(few)


def test_read_receipts_show_on_the_writers_own_messages_only(as_persona, db, personas, clock):
    guided_resident(db, personas)
    services.post_message(personas["guide"], personas["resident"], "Hei Rita, hvordan går det?", now())
    db.commit()
    resident = as_persona("resident")
    post_form(resident, "/messages", {"text": "Det går greit"})

    def item(html, text):
        return next(li for li in html.split("<li")[1:] if text in li)

    page = resident.get("/messages").get_data(as_text=True)
    guides = item(page, "Hei Rita")
    assert "Ikke lest ennå" not in guides and "Lest " not in guides  # the one she is reading
    assert "Ikke lest ennå" in item(page, "Det går greit")  # her own, not read by the guide yet

    screen = as_persona("guide").get(f"/guide/residents/{personas['resident'].id}").get_data(as_text=True)
    assert "Lest " in item(screen, "Hei Rita")  # the guide sees that Rita has read it
    assert "lest" not in item(screen, "Det går greit").lower()
    assert "Lest " in item(resident.get("/messages").get_data(as_text=True), "Det går greit")
