"""The open-flags page sends the same number of queries for 2 or 40 open flags."""
from __future__ import annotations

from tests import factories
from tests.care.helpers import raise_flag
from tests.programs.helpers import enrol
from tests.querycount import count_queries


def _flagged_residents(db, count):
    for _ in range(count):
        resident = factories.make_resident()
        enrol(resident, "while-you-wait")
        raise_flag(db, resident)


def _count(app, client):
    client.get("/care/flags")
    with count_queries(app.extensions["db"].engine) as statements:
        response = client.get("/care/flags")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_the_open_flags_page_does_not_grow_with_the_number_of_flags(app, db, as_persona, clock):
    _flagged_residents(db, 2)
    admin = as_persona("admin")
    small, html = _count(app, admin)
    assert "2 åpne varsler" in html
    _flagged_residents(db, 38)
    large, html = _count(app, admin)
    assert "40 åpne varsler" in html
    assert large == small
