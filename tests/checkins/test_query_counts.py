"""The queue, caseload and check-in screen send the same number of queries for 2 or 200 residents."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from selfhelp.checkins import services
from selfhelp.clock import local, now
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.models import RiskFlag
from selfhelp.measures.services import record_result
from selfhelp.programs import services as programs
from tests import factories
from tests.programs.helpers import enrol, program


def _residents(db, personas, count):
    guide = personas["guide"]
    phq = get_measure("PHQ-9")
    for n in range(count):
        resident = factories.make_resident()
        enrolment = enrol(resident, "depression", now() - timedelta(weeks=2))
        enrolment.start_date = local(now()).date() - timedelta(weeks=2)
        services.assign_guide(personas["admin"], enrolment, guide, now())
        for week in range(2):
            record_result(resident, phq, "program:depression", f"week-{week}",
                          {f"q{i}": str(week) for i in range(1, 10)} | {"q9": "0"}, now() - timedelta(days=7 - week))
        checkin = services.current_checkin(enrolment, local(now()).date())
        services.submit_checkin(resident, checkin, "Uka gikk greit", now())
        if n % 3 == 0:
            db.add(RiskFlag(resident_id=resident.id, reason="self_harm_item", score=5, item_value=1,
                            raised_at=now(), state="open"))
    db.commit()


def _count(app, client, path):
    from tests.querycount import count_queries

    client.get(path)
    with count_queries(app.extensions["db"].engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("page, persona", [("/guide/", "guide"), ("/guide/caseload", "guide"),
                                           ("/admin/guides", "admin"), ("/admin/guides?show=risk", "admin")])
def test_queue_caseload_and_assignments_with_200_residents(app, db, personas, as_persona, clock, page,
                                                           persona):
    _residents(db, personas, 2)
    client = as_persona(persona)
    small = _count(app, client, page)
    _residents(db, personas, 198)
    assert _count(app, client, page) == small


def test_checkin_screen_does_not_grow_with_the_residents_history(app, db, personas, as_persona, clock):
    _residents(db, personas, 1)
    client = as_persona("guide")
    from selfhelp.accounts.models import User
    from selfhelp.programs.models import Enrolment

    resident_id = db.scalar(select(RiskFlag.resident_id).limit(1))
    resident = db.get(User, resident_id)
    services.post_message(resident, resident, "første melding", now())  # a thread exists
    db.commit()
    path = f"/guide/residents/{resident_id}"
    small = _count(app, client, path)
    enrolment = db.scalar(select(Enrolment).where(Enrolment.resident_id == resident_id))
    enrolment.unlocked_through = 8
    prog = program()
    for module in prog.modules:
        for exercise in module.text("nb").exercises:
            programs.save_worksheet(enrolment, prog, module, exercise,
                                    MultiDict({f"f-{exercise.fields[0].key}": "tekst"}), now())
    for n in range(20):
        services.post_message(resident, resident, f"melding {n}", now())
    db.commit()
    assert _count(app, client, path) == small
