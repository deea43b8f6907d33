"""No overbooking under concurrent requests, on PostgreSQL (real connections, real row locks)."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from selfhelp.content import get_catalogue
from selfhelp.courses.services import admission
from selfhelp.courses.models import Application, Cohort
from tests import factories
from tests.conftest import _build_app

THREADS = 24


@pytest.fixture
def pg_app(request, smtp_server, postgres_engine):
    app = _build_app("postgresql", request, smtp_server)
    yield app
    app.extensions["db"].engine.dispose()


def _in_parallel(app, jobs):
    """Run each job in its own thread with its own app context and database session, all released
    at the same moment."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            from selfhelp.db import db

            try:
                barrier.wait()
                job()
                db.commit()
            except admission.AdmissionError:
                db.rollback()
            except BaseException as error:  # noqa: BLE001 - reported below
                db.rollback()
                errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


def _setup(app, capacity, auto_admit, applicants, apply_now=False):
    with app.app_context():
        from selfhelp.db import db

        leader = factories.make_staff(roles=["course_leader"], qualifications=["kid_leader"])
        cohort = factories.make_cohort(leaders=[leader], capacity=capacity, auto_admit=auto_admit)
        residents = [factories.make_resident() for _ in range(applicants)]
        applications = [factories.make_application(cohort, r).id for r in residents] if apply_now else []
        db.commit()
        return cohort.id, leader.id, [r.id for r in residents], applications


def _check(app, cohort_id, capacity):
    with app.app_context():
        from selfhelp.db import db

        cohort = db.get(Cohort, cohort_id)
        admitted = db.scalar(select(func.count()).where(Application.cohort_id == cohort_id,
                                                        Application.state == "admitted"))
        tickets = db.scalars(select(Application.waitlist_ticket).where(
            Application.cohort_id == cohort_id, Application.state == "waitlisted")).all()
        positions = admission.waitlist_positions(cohort_id)
        assert admitted <= capacity
        assert cohort.seats_taken == admitted
        assert len(tickets) == len(set(tickets))
        assert sorted(positions.values()) == list(range(1, len(positions) + 1))
        return admitted, len(tickets)


def test_a_crowd_applying_at_once_never_overbooks(pg_app):
    cohort_id, _leader, residents, _ = _setup(pg_app, capacity=5, auto_admit=True, applicants=THREADS)
    course = get_catalogue().courses["KiD"]

    def applying(resident_id):
        def job():
            from selfhelp.accounts.models import User
            from selfhelp.db import db

            now = datetime.now(timezone.utc)
            admission.apply(db.get(User, resident_id), db.get(Cohort, cohort_id), course,
                            admission.ApplicationForm("Jeg vil være med"), now, now.date())
        return job

    _in_parallel(pg_app, [applying(r) for r in residents])
    assert _check(pg_app, cohort_id, 5) == (5, THREADS - 5)


def test_leaders_admitting_at_once_never_overbook(pg_app):
    cohort_id, leader_id, _residents, applications = _setup(pg_app, capacity=4, auto_admit=False,
                                                           applicants=THREADS, apply_now=True)
    course = get_catalogue().courses["KiD"]

    def admitting(application_id):
        def job():
            from selfhelp.accounts.models import User
            from selfhelp.db import db

            admission.admit(db.get(User, leader_id), db.get(Application, application_id), course,
                            datetime.now(timezone.utc))
        return job

    _in_parallel(pg_app, [admitting(a) for a in applications])
    assert _check(pg_app, cohort_id, 4) == (4, THREADS - 4)


def test_withdrawals_at_once_promote_exactly_as_many_and_double_clicks_count_once(pg_app):
    cohort_id, _leader, residents, _ = _setup(pg_app, capacity=6, auto_admit=True, applicants=0)
    course = get_catalogue().courses["KiD"]
    with pg_app.app_context():
        from selfhelp.accounts.models import User
        from selfhelp.db import db

        cohort = db.get(Cohort, cohort_id)
        people = [factories.make_application(cohort, factories.make_resident()) for _ in range(14)]
        db.commit()
        leaving = [(a.id, a.resident_id) for a in people if a.state == "admitted"][:3]

    def withdrawing(application_id, resident_id):
        def job():
            from selfhelp.db import db

            admission.withdraw(db.get(User, resident_id), db.get(Application, application_id), course,
                               datetime.now(timezone.utc))
        return job

    # Each leaving participant clicks twice.
    _in_parallel(pg_app, [withdrawing(a, r) for a, r in leaving for _ in range(2)])
    assert _check(pg_app, cohort_id, 6) == (6, 14 - 6 - 3)
