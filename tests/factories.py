"""Small factories with keyword overrides: make_resident(age=15), make_staff(roles=["guide"])."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timezone

from selfhelp.accounts.models import LeaderRegistration, StaffMunicipality, User, UserRole
from selfhelp.db import db
from selfhelp.security import hash_password

PASSWORD = "correct horse battery"
#: Staff made by make_staff have set up their authenticator app with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MUNICIPALITY = "3301"  # Drammen
OTHER_MUNICIPALITY = "4601"  # Bergen
_seq = itertools.count(1)


def _birth_date_for(age: int, today: date | None = None) -> date:
    """1 January, `age` years back: the person has had this year's birthday."""
    today = today or datetime.now(timezone.utc).date()
    return date(today.year - age, 1, 1)


def make_user(*, roles: list[str], email: str | None = None, name: str | None = None,
              password: str = PASSWORD, verified: bool = True, **fields) -> User:
    n = next(_seq)
    now = datetime.now(timezone.utc)
    user = User(email=email or f"person{n}@example.com", name=name or f"Person {n}",
                password_hash=hash_password(password) if password else None,
                email_verified_at=now if verified else None, created_at=now,
                terms_version="2026-11", terms_accepted_at=now, **fields)
    user.roles = [UserRole(role=r) for r in roles]
    db.add(user)
    db.flush()
    return user


def make_resident(*, age: int = 35, municipality: str = MUNICIPALITY, **fields) -> User:
    fields.setdefault("birth_date", _birth_date_for(age))
    return make_user(roles=["resident"], municipality_code=municipality,
                     referral_source=fields.pop("referral_source", "self"), **fields)


def make_staff(*, roles: list[str], municipalities: list[str] | None = None,
               qualifications: list[str] | None = None, second_factor: bool = True,
               **fields) -> User:
    if second_factor:
        fields.setdefault("totp_secret", TOTP_SECRET)
        fields.setdefault("totp_enabled_at", datetime.now(timezone.utc))
    user = make_user(roles=roles, **fields)
    user.municipalities_served = [StaffMunicipality(municipality_code=m)
                                  for m in (municipalities if municipalities is not None else [MUNICIPALITY])]
    # Recorded in the leader register as an admin would (course date and certificate number).
    user.leader_registrations = [
        LeaderRegistration(qualification=q, course_date=date(2024, 1, 15),
                           certificate_number=f"TEST-{user.id}-{q}", recorded_at=user.created_at)
        for q in (qualifications or [])]
    db.flush()
    return user


def make_cohort(*, leaders: list[User], course: str = "KiD", first_date: date | None = None,
                capacity: int | None = None, publish: bool = True, municipality: str = MUNICIPALITY,
                **plan_fields):
    """A cohort planned by its first leader (defaults: 18:00, six weeks from the real date)."""
    from datetime import time, timedelta

    from selfhelp.content import get_catalogue
    from selfhelp.courses.services import cohorts as services

    definition = get_catalogue().courses[course]
    today = datetime.now(timezone.utc).date()
    first = first_date or today + timedelta(weeks=6)
    plan = services.CohortPlan(
        course_code=course, leader_ids=[u.id for u in leaders], municipality_code=municipality,
        first_date=first, start_time=plan_fields.pop("start_time", time(18, 0)),
        capacity=capacity or definition.group_default,
        application_deadline=plan_fields.pop("application_deadline", first - timedelta(days=7)),
        place=plan_fields.pop("place", "Frivillighetssentralen, Drammen"), **plan_fields)
    now = datetime.now(timezone.utc)
    cohort = services.create_cohort(leaders[0], plan, definition, now, min(today, first))
    if publish:
        services.publish(leaders[0], cohort, now)
    db.flush()
    return cohort


def make_application(cohort, resident: User, *, motivation: str = "Jeg vil lære å mestre hverdagen",
                     **guardian):
    from selfhelp.content import get_catalogue
    from selfhelp.courses.services import admission

    course = get_catalogue().courses[cohort.course_code]
    now = datetime.now(timezone.utc)
    application = admission.apply(resident, cohort, course, admission.ApplicationForm(motivation, **guardian),
                                  now, now.date())
    db.flush()
    return application


def make_result(resident: User, code: str, score: int, *, context: str = "program:depression",
                occasion: str = "start", answered_at: datetime | None = None):
    """A scored questionnaire answer as the platform stores it (answers are not itemised)."""
    from selfhelp.measures.models import MeasureResult

    result = MeasureResult(resident_id=resident.id, measure_code=code, context=context, occasion=occasion,
                           answers={}, raw_score=score, score=score, severity=0, is_case=None,
                           answered_at=answered_at or datetime.now(timezone.utc))
    db.add(result)
    db.flush()
    return result
