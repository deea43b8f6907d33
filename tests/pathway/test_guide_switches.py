"""The guide's switches: each asks first, "open next module" opens the next locked one, a pause
moves the later modules' dates, and a resident cannot lift a guide's pause."""
from datetime import timedelta

from selfhelp.clock import local, now
from selfhelp.programs import services
from selfhelp.programs.models import Enrolment
from selfhelp.programs.schedule import module_states
from tests.checkins.helpers import guided_resident
from tests.conftest import post_form
from tests.programs.helpers import program


def _page(personas):
    return f"/guide/residents/{personas['resident'].id}"


def _reload(db, enrolment) -> Enrolment:
    db.expire_all()
    return db.get(Enrolment, enrolment.id)


def test_each_switch_shows_a_confirmation_page_and_changes_nothing_until_confirmed(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    guide = as_persona("guide")
    screen = guide.get(_page(personas)).get_data(as_text=True)
    assert "Utfør" not in screen and "action=pause" in screen
    for action in ("unlock", "pause", "extend", "questionnaire"):
        response = guide.get(_page(personas) + f"/program?action={action}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Avbryt" in html and 'name="action"' in html
    enrolment = _reload(db, enrolment)
    assert (enrolment.unlocked_through, enrolment.state, enrolment.extra_weeks) == (1, "active", 0)


def test_open_next_module_opens_the_first_locked_module_not_one_already_open_by_date(
        as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=2)  # modules 1-3 open by their dates
    response = post_form(as_persona("guide"), _page(personas) + "/program", {"action": "unlock"},
                         page=_page(personas) + "/program?action=unlock", follow_redirects=True)
    enrolment = _reload(db, enrolment)
    states = [s.state for s in module_states(program(), enrolment, local(now()).date())]
    assert states[:5] == ["open", "open", "open", "open", "locked"]
    assert enrolment.unlocked_through == 4
    assert program().modules[3].text("nb").title in response.get_data(as_text=True)


def test_open_next_module_says_so_when_nothing_is_locked(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=20)  # every module open by date
    guide = as_persona("guide")
    confirm = guide.get(_page(personas) + "/program?action=unlock").get_data(as_text=True)
    assert "Ingen moduler er låst" in confirm and "Ja, " not in confirm
    response = post_form(guide, _page(personas) + "/program", {"action": "unlock"},
                         page=_page(personas), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Ingen moduler er låst, så ingenting ble endret." in html and "Neste modul er åpnet" not in html
    assert _reload(db, enrolment).unlocked_through == 1


def test_a_pause_moves_the_later_modules_dates_by_its_length(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)  # module 2 opened today
    today = local(now()).date()
    guide = as_persona("guide")
    post_form(guide, _page(personas) + "/program", {"action": "pause"}, page=_page(personas))
    enrolment = _reload(db, enrolment)
    assert (enrolment.state, enrolment.paused_on, enrolment.paused_by_id) == ("paused", today, personas["guide"].id)
    clock.shift(timedelta(days=10))
    guide = as_persona("guide")
    post_form(guide, _page(personas) + "/program", {"action": "resume"}, page=_page(personas))
    enrolment = _reload(db, enrolment)
    assert (enrolment.state, enrolment.pause_days) == ("active", 10)
    states = module_states(program(), enrolment, local(now()).date())
    # Module 3 was due a week after today's start of the pause; it now opens 10 days later.
    assert states[1].state == "open"
    assert states[2].state == "locked" and states[2].opens_on == today + timedelta(weeks=1, days=10)


def test_a_resident_cannot_lift_a_guides_pause_and_is_told_why_and_where_to_write(
        as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    services.pause(enrolment, personas["guide"], local(now()).date())
    db.commit()
    resident = as_persona("resident")
    page = resident.get("/programs/depression").get_data(as_text=True)
    assert "Veilederen din satte programmet på pause" in page and "/messages" in page
    assert "Fortsett programmet</button>" not in page
    response = post_form(resident, "/programs/depression/start", {}, page="/programs/depression",
                         follow_redirects=True)
    assert "Bare veilederen kan la det fortsette" in response.get_data(as_text=True)
    assert _reload(db, enrolment).state == "paused"
