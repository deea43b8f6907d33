"""Demo data for the service reports: 60 made-up residents of the demo municipality who used a
program over the last months, with questionnaires, check-ins answered by the demo guide and
module progress, so the outcome, engagement, reach and workload reports have something to show.
They cannot log in (no password) and their guide assignments have ended, so the demo guide's
queue stays as it is.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from selfhelp.accounts.models import Role, User, UserRole
from selfhelp.checkins.models import Checkin, CheckinState, GuideAssignment
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult
from selfhelp.programs.models import Enrolment, EnrolmentState, ModuleProgress

PEOPLE = 60


def load_report_demo(now: datetime, municipality: str) -> None:
    """Add the made-up residents (once: skipped when they exist)."""
    if db.scalar(select(User.id).where(User.email == "rapport-1@demo.invalid")):
        return
    rng = random.Random(2026)
    guide = db.scalar(select(User).where(User.email == "veileder@demo.no"))
    admin = db.scalar(select(User).where(User.email == "admin@demo.no"))
    programs = get_catalogue().programs
    for n in range(1, PEOPLE + 1):
        started = now - timedelta(days=rng.randrange(30, 200))
        person = User(email=f"rapport-{n}@demo.invalid", name=f"Demo Deltaker {n}",
                      birth_date=date(started.year - rng.randrange(17, 75), started.month, 1),
                      municipality_code=municipality, locale="nb", active=False,
                      created_at=started - timedelta(days=rng.randrange(0, 20)),
                      referral_source=rng.choice(("self", "self", "gp", "nav", "school", "other")),
                      gender=rng.choice(("female", "female", "male", "other", "unspoken", None)),
                      work_status=rng.choice(("working", "sick_leave", "student",
                                              "nav_benefits", None)))
        person.roles = [UserRole(role=Role.RESIDENT)]
        db.add(person)
        db.flush()
        slug = rng.choice(("depression", "depression", "panic", "social-anxiety"))
        weeks = rng.randrange(1, 12)
        enrolment = Enrolment(resident_id=person.id, program_slug=slug, started_at=started,
                              start_date=started.date(), state=EnrolmentState.ACTIVE,
                              last_activity_at=started + timedelta(weeks=weeks))
        db.add(enrolment)
        db.flush()
        db.add(GuideAssignment(enrolment_id=enrolment.id, resident_id=person.id, guide_id=guide.id,
                               assigned_by_id=admin.id, assigned_at=started,
                               ended_at=started + timedelta(weeks=weeks, days=1)))
        for module in programs[slug].modules[:weeks]:
            opened = started + timedelta(weeks=module.number - 1, hours=1)
            db.add(ModuleProgress(enrolment_id=enrolment.id, module_slug=module.slug,
                                  opened_at=opened, completed_at=opened + timedelta(days=1)))
        phq, gad, who = rng.randrange(6, 22), rng.randrange(4, 18), rng.randrange(5, 16) * 4
        for week in range(min(weeks, 10) + 1):
            at = started + timedelta(weeks=week, hours=3)
            for code, score in (("PHQ-9", phq), ("GAD-7", gad), ("WHO-5", who)):
                db.execute(insert(MeasureResult).values(
                    resident_id=person.id, measure_code=code, context=f"program:{slug}",
                    occasion="start" if week == 0 else f"week-{week}", answers={},
                    raw_score=score // 4 if code == "WHO-5" else score, score=score, severity=0,
                    is_case=None, answered_at=at))
            phq = max(0, min(27, phq + rng.choice((-2, -1, -1, 0, 1))))
            gad = max(0, min(21, gad + rng.choice((-2, -1, -1, 0, 1))))
            who = max(0, min(100, who + rng.choice((-4, 0, 4, 8))))
            if week:
                submitted = at + timedelta(hours=rng.randrange(2, 30))
                db.add(Checkin(enrolment_id=enrolment.id, resident_id=person.id, week=week,
                               opens_on=submitted.date(), state=CheckinState.CLOSED, how_it_went="…",
                               submitted_at=submitted,
                               feedback_due_at=submitted + timedelta(days=2),
                               closed_at=submitted + timedelta(hours=rng.randrange(1, 60)),
                               closed_by_id=guide.id, minutes_spent=rng.choice((10, 15, 20, 25))))
    db.flush()
