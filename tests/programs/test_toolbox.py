from datetime import timedelta

from werkzeug.datastructures import MultiDict

from selfhelp.clock import now
from selfhelp.programs import services
from tests.programs.helpers import enrol, program


def _answer(db, resident, **fields):
    enrolment = enrol(resident)
    module = program().modules[0]
    answer, _ = services.save_worksheet(enrolment, program(), module, module.text("nb").exercise("goals"),
                                        MultiDict(fields), now())
    db.commit()
    return answer


def test_toolbox_lists_filled_worksheets_and_shows_one_printable(as_persona, personas, db, clock):
    answer = _answer(db, personas["resident"], **{"f-general_goal": "Sove bedre",
                                                   "f-specific_goals-0-goal": "Legge meg før 23"})
    client = as_persona("resident")
    title = program().modules[0].text("nb").exercise("goals").title
    assert title in client.get("/toolbox/").get_data(as_text=True)
    html = client.get(f"/toolbox/{answer.id}").get_data(as_text=True)
    assert "Sove bedre" in html and "Legge meg før 23" in html
    download = client.get(f"/toolbox/{answer.id}/download")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Sove bedre" in download.get_data(as_text=True)


def test_another_resident_cannot_open_someone_elses_worksheet(as_persona, personas, db, clock):
    answer = _answer(db, personas["resident"], **{"f-general_goal": "Privat"})
    other = as_persona("other_resident")
    assert other.get(f"/toolbox/{answer.id}").status_code == 404
    assert other.get(f"/toolbox/{answer.id}/download").status_code == 404
    assert "Privat" not in other.get("/toolbox/").get_data(as_text=True)


def test_earlier_versions_are_shown(as_persona, personas, db, clock):
    _answer(db, personas["resident"], **{"f-general_goal": "Første tanke"})
    clock.shift(timedelta(hours=1))
    answer = _answer(db, personas["resident"], **{"f-general_goal": "Andre tanke"})
    html = as_persona("resident").get(f"/toolbox/{answer.id}").get_data(as_text=True)
    assert "Tidligere versjoner (1)" in html and "Første tanke" in html
