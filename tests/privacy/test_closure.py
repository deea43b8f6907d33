"""Closing an account: identity gone, login impossible, clinical records kept under a pseudonym,
course places released to the waiting list, guide and notifications stopped."""
from __future__ import annotations

from sqlalchemy import func, select

from selfhelp.accounts.models import AccountToken, User
from selfhelp.checkins.models import GuideAssignment, Message
from selfhelp.courses.models import Application, Cohort
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.notifications.models import Notification
from selfhelp.programs.models import WorksheetAnswer
from tests import factories
from tests.conftest import post_form


def _close(client, password=factories.PASSWORD, confirm="y"):
    data = {"password": password}
    if confirm:
        data["confirm"] = confirm
    return post_form(client, "/account/close", data)


def test_the_close_page_explains_what_happens_first(personas, as_persona):
    page = as_persona("resident").get("/account/close").get_data(as_text=True)
    for text in ("Dette slettes med en gang", "Dette tas vare på, uten navnet ditt", "10 år",
                 "nestemann på ventelisten", "Du kan ikke angre", "/help", "/account/export"):
        assert text in page, text


def test_closing_needs_the_password_and_the_confirmation(db, personas, as_persona, rich):
    client = as_persona("resident")
    assert "Passordet stemmer ikke." in _close(client, password="wrong password").get_data(as_text=True)
    assert "Kryss av for å bekrefte" in _close(client, confirm=None).get_data(as_text=True)
    db.expire_all()
    assert db.get(User, personas["resident"].id).closed_at is None


def test_closing_removes_identity_and_ends_every_session(db, personas, as_persona, app, rich):
    resident = personas["resident"]
    email = resident.email
    client = as_persona("resident")
    other_device = as_persona("resident")
    response = _close(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/closed")
    db.expire_all()
    user = db.get(User, resident.id)
    assert user.closed_at is not None and not user.active
    assert user.email == f"closed-{user.id}@invalid" and user.name == "Slettet bruker"
    assert (user.phone, user.birth_date, user.display_name, user.password_hash) == (None, None, None, None)
    assert db.scalar(select(func.count()).select_from(AccountToken).where(AccountToken.user_id == user.id)) == 0
    for c in (client, other_device):
        assert c.get("/dashboard").status_code == 302  # logged out everywhere
    login = app.test_client()
    page = post_form(login, "/login", {"email": email, "password": factories.PASSWORD}).get_data(as_text=True)
    assert "E-post eller passord er feil." in page


def test_clinical_records_are_kept_under_the_pseudonymised_id(db, personas, as_persona, rich):
    resident_id = personas["resident"].id
    _close(as_persona("resident"))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(WorksheetAnswer)) == 1
    assert db.scalar(select(func.count()).select_from(MeasureResult).where(MeasureResult.resident_id == resident_id)) == 1
    assert db.scalar(select(func.count()).select_from(RiskFlag).where(RiskFlag.resident_id == resident_id)) == 1
    assert db.scalar(select(func.count()).select_from(Message).where(Message.resident_id == resident_id)) == 2
    application = db.get(Application, rich["application"].id)
    assert application.motivation == "Lære å takle tunge dager" and application.state == "withdrawn"


def test_the_guide_no_longer_has_the_resident_and_pending_notices_are_cancelled(db, personas, as_persona, rich, clock):
    from selfhelp.notifications.services import enqueue
    from selfhelp.clock import now

    enqueue(personas["resident"].id, "new_message", "message:test", now(), now(), {})
    db.commit()
    _close(as_persona("resident"))
    db.expire_all()
    assert db.scalars(select(GuideAssignment).where(GuideAssignment.ended_at.is_(None))).all() == []
    states = db.scalars(select(Notification.state).where(Notification.recipient_id == personas["resident"].id)).all()
    assert states and "pending" not in states
    assert "Rita" not in as_persona("guide").get("/guide/caseload").get_data(as_text=True)


def test_a_held_course_seat_goes_to_the_next_person_on_the_waiting_list(db, personas, as_persona, rich):
    cohort = rich["cohort"]  # one seat, Rita holds it
    waiting = factories.make_application(cohort, personas["other_resident"])
    db.commit()
    assert waiting.state == "waitlisted"
    _close(as_persona("resident"))
    db.expire_all()
    assert db.get(Application, waiting.id).state == "admitted"
    assert db.get(Application, waiting.id).offered_at is not None
    assert db.get(Cohort, cohort.id).seats_taken == 1
    offer = db.scalars(select(Notification).where(Notification.recipient_id == personas["other_resident"].id,
                                                  Notification.kind == "course_waitlist_offer")).one()
    assert offer.state == "pending"


def test_a_waitlisted_place_is_given_up_too(db, personas, as_persona, rich):
    cohort = rich["cohort"]
    db.get(Application, rich["application"].id)  # Rita holds the seat; Otto waits
    waiting = factories.make_application(cohort, personas["other_resident"])
    db.commit()
    _close(as_persona("other_resident"))
    db.expire_all()
    assert db.get(Application, waiting.id).state == "withdrawn"
    assert db.get(Application, rich["application"].id).state == "admitted"


def test_staff_cannot_close_their_account_here(db, personas, as_persona):
    leader = personas["course_leader"]
    from selfhelp.accounts.models import UserRole

    leader.roles.append(UserRole(role="resident"))
    db.commit()
    client = as_persona("course_leader")
    page = client.get("/account/close").get_data(as_text=True)
    assert "En ansattkonto kan ikke slettes her" in page
    _close(client)
    db.expire_all()
    assert db.get(User, leader.id).closed_at is None


def test_a_course_that_is_over_keeps_its_history(db, personas, as_persona, rich, clock):
    from datetime import timedelta

    clock.shift(timedelta(weeks=30))  # every session of the cohort has been held
    _close(as_persona("resident"))
    db.expire_all()
    assert db.get(Application, rich["application"].id).state == "admitted"
    assert db.get(User, personas["resident"].id).closed_at is not None


def test_closing_twice_does_nothing_the_second_time(db, personas, rich):
    import pytest

    from selfhelp.clock import now
    from selfhelp.privacy import closure

    closure.close_account(personas["resident"], now())
    db.commit()
    with pytest.raises(closure.ClosureError):
        closure.close_account(personas["resident"], now())
