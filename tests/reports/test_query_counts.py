"""Each report page sends the same number of queries for 3 or 30 residents: everything is
aggregated in the database, nothing is loaded row by row."""
import secrets
from datetime import date, datetime, timedelta, timezone

import pytest

from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.courses.models import Application, Attendance
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.programs.models import Enrolment, ModuleProgress
from tests import factories
from tests.querycount import count_queries

PERIOD = "start=2026-01-01&end=2026-03-01"
UTC = timezone.utc


def _people(db, personas, cohort, count, offset):
    """`count` residents, each in a program with scores, check-ins, modules and a flag, and in
    the cohort with attendance and course scores."""
    guide = personas["guide"]
    for n in range(offset, offset + count):
        at = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(hours=n)
        person = factories.make_resident(gender=("female", "male", None)[n % 3])
        slug = ("depression", "panic", "while-you-wait")[n % 3]
        enrolment = Enrolment(resident_id=person.id, program_slug=slug, started_at=at,
                              start_date=at.date(), state="active", last_activity_at=at)
        db.add(enrolment)
        db.flush()
        db.add(GuideAssignment(enrolment_id=enrolment.id, resident_id=person.id, guide_id=guide.id,
                               assigned_by_id=personas["admin"].id, assigned_at=at))
        for week in range(3):
            for code in ("PHQ-9", "GAD-7", "WHO-5"):
                db.add(MeasureResult(resident_id=person.id, measure_code=code,
                                     context=f"program:{slug}", occasion=f"week-{week}",
                                     answers={}, raw_score=10 - week, score=10 - week * 3,
                                     severity=0, is_case=None,
                                     answered_at=at + timedelta(weeks=week)))
            db.add(Checkin(enrolment_id=enrolment.id, resident_id=person.id, week=week + 1,
                           opens_on=at.date(), state="closed", submitted_at=at + timedelta(weeks=week),
                           feedback_due_at=at + timedelta(weeks=week, days=2),
                           closed_at=at + timedelta(weeks=week, hours=5), closed_by_id=guide.id,
                           minutes_spent=15))
        db.add(ModuleProgress(enrolment_id=enrolment.id, module_slug="01-forsta-depresjon",
                              opened_at=at, completed_at=at + timedelta(hours=1)))
        db.add(RiskFlag(resident_id=person.id, reason="self_harm_item", score=12, item_value=1,
                        raised_at=at, state="open"))
        application = Application(cohort_id=cohort.id, resident_id=person.id, state="admitted",
                                  applied_at=at - timedelta(days=20),
                                  calendar_token=secrets.token_hex(12))
        db.add(application)
        db.flush()
        for s in cohort.sessions[:2]:
            db.add(Attendance(session_id=s.id, application_id=application.id, status="present",
                              recorded_by_id=personas["course_leader"].id, recorded_at=at))
        db.add(MeasureResult(resident_id=person.id, measure_code="PHQ-9", context=f"cohort:{cohort.id}",
                             occasion="session-1", answers={}, raw_score=12, score=12, severity=0,
                             is_case=None, answered_at=at))
    db.commit()


def _count(app, client, path):
    client.get(path)
    with count_queries(app.extensions["db"].engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("page", ["outcomes", "engagement", "reach", "workload"])
@pytest.mark.parametrize("persona, scope", [("admin", "admin"), ("guide", "guide"),
                                            ("course_leader", "course_leader")])
def test_report_pages_send_a_fixed_number_of_queries(app, db, personas, as_persona, clock, page,
                                                     persona, scope):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], first_date=date(2026, 1, 12),
                                   application_deadline=date(2026, 1, 5))
    _people(db, personas, cohort, 3, 0)
    client = as_persona(persona)
    path = f"/reports/{page}?{PERIOD}&scope={scope}"
    csv_path = path + "&format=csv&table=" + {
        "outcomes": "people", "engagement": "waiting", "reach": "age", "workload": "checkins"}[page]
    small, small_csv = _count(app, client, path), _count(app, client, csv_path)
    _people(db, personas, cohort, 27, 3)
    assert (_count(app, client, path), _count(app, client, csv_path)) == (small, small_csv)
    # The report itself: outcomes 3, engagement 5, reach 1, workload 8 statements, plus loading
    # the logged-in user (with roles, municipalities and qualifications) and the session.
    assert small <= {"outcomes": 3, "engagement": 5, "reach": 1, "workload": 8}[page] + 5
