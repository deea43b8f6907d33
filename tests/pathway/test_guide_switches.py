"""The guide's switches: each asks first, "open next module" opens the next locked one, a pause
moves the later modules' dates, and a resident cannot lift a guide's pause."""
import re
from datetime import timedelta

from sqlalchemy import select

from selfhelp.checkins.models import Message

from selfhelp.clock import local, now
from selfhelp.programs import services
from selfhelp.programs.models import Enrolment
from selfhelp.programs.schedule import module_states
from tests.checkins.helpers import guided_resident
from tests.conftest import post_form
from tests.programs.helpers import program


def _page(personas):
    return f"/guide/residents/{personas['resident'].id}"


def _plan(html: str) -> str:
    """The plan fingerprint the confirmation page carries in its form ("" when it has none)."""
    match = re.search(r'name="plan"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="plan"', html)
    return (match.group(1) or match.group(2)) if match else ""


def confirm(client, personas, action: str, reason: str = "Vi avtalte dette i telefonen.", **extra):
    """Open the switch's confirmation page, then confirm it with a reason like a guide would."""
    page = _page(personas) + f"/program?action={action}"
    html = client.get(page).get_data(as_text=True)
    data = {"action": action, "reason": reason, "plan": _plan(html), **extra}
    return post_form(client, _page(personas) + "/program", data, page=page, follow_redirects=True)


def _reload(db, enrolment) -> Enrolment:
    db.expire_all()
    return db.get(Enrolment, enrolment.id)


def test_each_switch_shows_a_confirmation_page_and_changes_nothing_until_confirmed(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    guide = as_persona("guide")
    screen = guide.get(_page(personas)).get_data(as_text=True)
    assert "Utfør" not in screen and "<select" not in screen.split('id="program"')[1].split("</section>")[0]
    for action, label in (("unlock", "Åpne neste låste modul nå"), ("pause", "Sett programmet på pause"),
                          ("extend", "Forleng programmet med to uker"),
                          ("questionnaire", "Send et ekstra spørreskjema")):
        assert f'class="button secondary" href="{_page(personas)}/program?action={action}">{label}</a>' in screen
        response = guide.get(_page(personas) + f"/program?action={action}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Avbryt" in html and 'name="action"' in html
        assert 'name="reason"' in html and "Rita får en melding i samtalen" in html
    enrolment = _reload(db, enrolment)
    assert (enrolment.unlocked_through, enrolment.state, enrolment.extra_weeks) == (1, "active", 0)


def test_open_next_module_opens_the_first_locked_module_not_one_already_open_by_date(
        as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=2)  # modules 1-3 open by their dates
    guide = as_persona("guide")
    page = guide.get(_page(personas) + "/program?action=unlock").get_data(as_text=True)
    fourth = program().modules[3]
    assert f"«{fourth.text('nb').title}» åpnes i dag i stedet for" in page
    response = confirm(guide, personas, "unlock")
    enrolment = _reload(db, enrolment)
    states = [s.state for s in module_states(program(), enrolment, local(now()).date())]
    assert states[:5] == ["open", "open", "open", "open", "locked"]
    assert enrolment.unlocked_through == 4
    assert program().modules[3].text("nb").title in response.get_data(as_text=True)


def test_open_next_module_says_so_when_nothing_is_locked(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=20)  # every module open by date
    guide = as_persona("guide")
    page = guide.get(_page(personas) + "/program?action=unlock").get_data(as_text=True)
    assert "Ingen moduler er låst" in page and "Ja, " not in page and 'name="reason"' not in page
    response = confirm(guide, personas, "unlock")
    html = response.get_data(as_text=True)
    assert "Ingen moduler er låst" in html and "Neste modul er åpnet" not in html
    assert _reload(db, enrolment).unlocked_through == 1


def test_a_pause_moves_the_later_modules_dates_by_its_length(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)  # module 2 opened today
    today = local(now()).date()
    guide = as_persona("guide")
    confirm(guide, personas, "pause")
    enrolment = _reload(db, enrolment)
    assert (enrolment.state, enrolment.paused_on, enrolment.paused_by_id) == ("paused", today, personas["guide"].id)
    clock.shift(timedelta(days=10))
    guide = as_persona("guide")
    page = guide.get(_page(personas) + "/program?action=resume").get_data(as_text=True)
    assert "har vart 10 dager" in page and "Nye datoer for modulene som gjenstår" in page
    confirm(guide, personas, "resume")
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


def _told(db, personas) -> list[str]:
    db.expire_all()
    return [m.body_html for m in db.scalars(select(Message).where(
        Message.resident_id == personas["resident"].id).order_by(Message.id))]


def test_each_switch_needs_a_reason_and_tells_the_resident_what_changed_and_why(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    guide = as_persona("guide")
    html = confirm(guide, personas, "pause", reason="  ").get_data(as_text=True)
    assert "Skriv en kort begrunnelse. Innbyggeren leser den i samtalen." in html
    assert _reload(db, enrolment).state == "active" and _told(db, personas) == []

    confirm(guide, personas, "pause", reason="Du skal på sykehus, så vi tar en pause.")
    clock.shift(timedelta(days=3))
    confirm(as_persona("guide"), personas, "resume", reason="Velkommen tilbake!")
    end = _reload(db, enrolment).start_date + timedelta(weeks=program().weeks + 2, days=3)
    page = as_persona("guide").get(_page(personas) + "/program?action=extend").get_data(as_text=True)
    assert "Programmet slutter" in page and "i stedet for" in page
    confirm(as_persona("guide"), personas, "extend", reason="Du trenger litt mer tid.")
    confirm(as_persona("guide"), personas, "unlock", reason="Du er klar for neste modul.")
    confirm(as_persona("guide"), personas, "questionnaire", reason="Jeg vil se hvordan angsten er.",
            measure="GAD-7")
    told = _told(db, personas)
    assert len(told) == 5
    assert "satt programmet ditt på pause" in told[0] and "Du skal på sykehus" in told[0]
    assert "Pausen varte 3 dager" in told[1] and "Velkommen tilbake!" in told[1]
    from selfhelp.dates import day
    assert f"Det varer nå til {day(end, 'nb')}" in told[2]
    assert "Jeg har åpnet modulen «" in told[3] and program().modules[2].text("nb").title in told[3]
    assert "GAD-7" in told[4] and "angsten" in told[4]
    enrolment = _reload(db, enrolment)
    assert (enrolment.state, enrolment.extra_weeks, enrolment.pause_days, enrolment.unlocked_through) == (
        "active", 2, 3, 3)


def test_a_switch_does_only_what_its_page_said_and_a_second_click_does_nothing(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    guide = as_persona("guide")
    page = _page(personas) + "/program?action=extend"
    html = guide.get(page).get_data(as_text=True)
    data = {"action": "extend", "reason": "Mer tid.", "plan": _plan(html)}
    post_form(guide, _page(personas) + "/program", data, page=page)
    again = post_form(guide, _page(personas) + "/program", data, page=page).get_data(as_text=True)
    assert "Programmet er endret siden du åpnet siden" in again and "Mer tid." in again
    assert _reload(db, enrolment).extra_weeks == 2 and len(_told(db, personas)) == 1
    # A plan from before a pause another guide made does not open a module now.
    page = _page(personas) + "/program?action=unlock"
    html = guide.get(page).get_data(as_text=True)
    plan = _plan(html)
    services.pause(_reload(db, enrolment), personas["guide"], local(now()).date())
    db.commit()
    response = post_form(guide, _page(personas) + "/program",
                         {"action": "unlock", "reason": "Klar", "plan": plan}, page=page)
    assert response.status_code == 200 and _reload(db, enrolment).unlocked_through == 1


def test_only_the_residents_guide_reaches_a_switch(as_persona, personas, db, clock):
    enrolment = guided_resident(db, personas, weeks_ago=1)
    path = _page(personas) + "/program"
    for who in ("other_guide", "course_leader", "admin", "resident"):
        client = as_persona(who)
        assert client.get(path + "?action=pause").status_code in (403, 404)
        assert client.post(path, data={"action": "pause", "reason": "x"}).status_code in (400, 403, 404)
    assert _reload(db, enrolment).state == "active"
    assert as_persona("guide").post(path, data={"action": "nonsense"}).status_code == 400


def test_the_resident_is_told_in_their_own_language(as_persona, personas, db, clock):
    guided_resident(db, personas, weeks_ago=1)
    personas["resident"].locale = "en"
    db.commit()
    confirm(as_persona("guide"), personas, "pause", reason="Vi tar en pause.")
    [told] = _told(db, personas)
    assert "I have paused your programme from" in told and "Vi tar en pause." in told
