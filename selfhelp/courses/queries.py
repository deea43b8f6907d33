"""Read-side helpers for course pages: a fixed number of queries whatever the data size."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.courses.models import Application, Cohort


def open_cohorts(today: date, course_code: str | None = None, municipality_code: str | None = None,
                 online_only: bool = False):
    """Published cohorts still taking applications (sessions come with one extra query)."""
    query = select(Cohort).where(Cohort.state == "published", Cohort.application_deadline >= today)
    if course_code:
        query = query.where(Cohort.course_code == course_code)
    if municipality_code:
        query = query.where((Cohort.municipality_code == municipality_code)
                            | Cohort.open_to_other_municipalities.is_(True))
    if online_only:
        query = query.where(Cohort.online.is_(True))
    return query.order_by(Cohort.first_date, Cohort.id)


def applications_of(resident: User):
    return (select(Application).where(Application.resident_id == resident.id)
            .order_by(Application.applied_at.desc()))


def next_session(cohort: Cohort, now):
    return next((s for s in cohort.sessions if s.state != "cancelled" and s.ends_at > now), None)
