"""Course list, roster and leader pages send the same number of queries however many cohorts,
participants and attendance marks there are."""
from datetime import date

import pytest

from selfhelp.clock import now
from selfhelp.courses.services import roster
from tests import factories
from tests.factories import make_application, make_cohort
from tests.querycount import count_queries


def _grow(db, personas, cohorts: int, people: int):
    leader = personas["course_leader"]
    made = []
    for _ in range(cohorts):
        cohort = make_cohort(leaders=[leader], first_date=date(2026, 4, 14), capacity=8, auto_admit=True)
        applications = [make_application(cohort, factories.make_resident()) for _ in range(people)]
        roster.record_attendance(leader, cohort.sessions[0], {a.id: "present" for a in applications
                                                               if a.state == "admitted"}, now())
        made.append(cohort)
    db.commit()
    return made


def _count(app, client, path):
    client.get(path)
    with count_queries(app.extensions["db"].engine) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("page", ["list", "mine", "leader_list", "cohort", "roster", "applications",
                                  "attendance"])
def test_course_pages_issue_a_fixed_number_of_queries(app, db, personas, as_persona, clock, page):
    first = _grow(db, personas, cohorts=1, people=2)[0]
    make_application(first, personas["resident"])
    db.commit()

    def path(cohort):
        return {"list": "/courses/", "mine": "/courses/mine", "leader_list": "/leader/cohorts",
                "cohort": f"/leader/cohorts/{cohort.id}", "roster": f"/leader/cohorts/{cohort.id}/roster",
                "applications": f"/leader/cohorts/{cohort.id}/applications",
                "attendance": f"/leader/cohorts/{cohort.id}/sessions/{cohort.sessions[0].id}/attendance"}[page]

    client = as_persona("course_leader" if page not in ("list", "mine") else "resident")
    small = _count(app, client, path(first))
    more = _grow(db, personas, cohorts=6, people=12)
    for cohort in more:
        make_application(cohort, personas["resident"])
    db.commit()
    target = more[-1] if page not in ("list", "mine", "leader_list") else first
    large = _count(app, client, path(target))
    assert large == small, f"{page}: {small} queries with little data, {large} with a lot"
