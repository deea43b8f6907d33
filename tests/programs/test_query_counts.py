"""The dashboard, module and progress pages send the same number of queries however much data there is."""
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from selfhelp.clock import now
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.services import record_result
from selfhelp.programs import services
from tests import factories
from tests.programs.helpers import enrol, program
from tests.querycount import count_queries

PAGES = ["/dashboard", "/programs/depression/01-forsta-depresjon", "/progress", "/toolbox/",
         "/programs/", "/programs/depression"]


def _fill(db, resident, weeks: int, clock):
    """A resident deep into every program with many answers and questionnaires."""
    for slug in ("depression", "panic", "social-anxiety", "while-you-wait"):
        enrolment = enrol(resident, slug)
        prog = program(slug)
        enrolment.unlocked_through = len(prog.modules)
        for module in prog.modules[:weeks]:
            services.complete_module(enrolment, prog, module, now())
            for exercise in module.text("nb").exercises:
                services.save_worksheet(enrolment, prog, module, exercise,
                                        MultiDict({f"f-{exercise.fields[0].key}": "tekst"}), now())
    phq = get_measure("PHQ-9")
    for week in range(weeks):
        record_result(resident, phq, "program:depression", f"week-{week}",
                      {f"q{i}": "1" for i in range(1, 10)}, now() + timedelta(days=7 * week))
    db.commit()


def _queries(app, client, path):
    """Queries for a repeat visit (a first visit may record which module was opened)."""
    client.get(path)
    with count_queries(app.extensions["db"].engine) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("path", PAGES)
def test_pages_issue_a_fixed_number_of_queries(app, db, as_persona, personas, clock, path):
    resident = personas["resident"]
    enrol(resident, "depression")
    db.commit()
    client = as_persona("resident")
    small = _queries(app, client, path)
    _fill(db, resident, weeks=8, clock=clock)
    for n in range(30):  # many other residents with their own data
        other = factories.make_resident()
        enrol(other, "depression")
    db.commit()
    large = _queries(app, client, path)
    assert large == small, f"{path}: {small} queries with little data, {large} with a lot"
