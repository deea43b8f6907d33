"""Reach in SQL: the people a service reached in the period, by age group, gender,
municipality, how they heard of it and work status, next to the total. One statement."""
from __future__ import annotations

from sqlalchemy import String, case, func, literal, select, union_all

from selfhelp.accounts.models import User
from selfhelp.clock import years_before
from selfhelp.courses.models import Application, Cohort
from selfhelp.db import db
from selfhelp.programs.models import Enrolment
from selfhelp.reports.episodes import latest_guides, program_scope
from selfhelp.reports.scope import Period, Scope

#: Lower age limits of the age groups (age on the last day of the period).
AGE_GROUPS = (0, 16, 18, 25, 35, 45, 55, 67)
DIMENSIONS = ("age", "gender", "municipality", "referral", "work")
UNKNOWN = "unknown"


def age_group_label(lower: int) -> str:
    index = AGE_GROUPS.index(lower)
    if index == 0:
        return f"0–{AGE_GROUPS[1] - 1}"
    if index == len(AGE_GROUPS) - 1:
        return f"{lower}+"
    return f"{lower}–{AGE_GROUPS[index + 1] - 1}"


def _age_group(period: Period):
    whens = [(User.birth_date <= years_before(period.last, lower), age_group_label(lower))
             for lower in reversed(AGE_GROUPS)]
    return case((User.birth_date.is_(None), UNKNOWN), *whens, else_=UNKNOWN)


def reach_rows(scope: Scope, period: Period) -> list[dict]:
    """dimension, value, people, in_program, in_course (value 'all' for the total row)."""
    guide = latest_guides()
    programs = (select(Enrolment.resident_id.label("resident_id"), literal(1).label("p"),
                       literal(0).label("c"))
                .join(User, User.id == Enrolment.resident_id)
                .outerjoin(guide, guide.c.enrolment_id == Enrolment.id)
                .where(Enrolment.started_at >= period.start, Enrolment.started_at < period.end,
                       program_scope(scope, guide.c.guide_id)))
    courses = (select(Application.resident_id.label("resident_id"), literal(0).label("p"),
                      literal(1).label("c"))
               .join(Cohort, Cohort.id == Application.cohort_id)
               .where(Application.applied_at >= period.start, Application.applied_at < period.end,
                      scope.cohorts(Cohort.id, Cohort.municipality_code)))
    contacts = union_all(programs, courses).subquery()
    per_person = (select(contacts.c.resident_id, func.max(contacts.c.p).label("p"),
                         func.max(contacts.c.c).label("c"))
                  .group_by(contacts.c.resident_id).subquery())
    people = (select(per_person.c.p, per_person.c.c,
                     _age_group(period).label("age"),
                     func.coalesce(User.gender, UNKNOWN).label("gender"),
                     func.coalesce(User.municipality_code, UNKNOWN).label("municipality"),
                     func.coalesce(User.referral_source, UNKNOWN).label("referral"),
                     func.coalesce(User.work_status, UNKNOWN).label("work"))
              .join(User, User.id == per_person.c.resident_id).subquery())

    def by(dimension: str):
        column = people.c[dimension]
        return (select(literal(dimension, String).label("dimension"), column.label("value"),
                       func.count().label("people"), func.sum(people.c.p).label("in_program"),
                       func.sum(people.c.c).label("in_course"))
                .group_by(column))

    total = select(literal("total", String).label("dimension"),
                   literal("all", String).label("value"),
                   func.count().label("people"), func.sum(people.c.p).label("in_program"),
                   func.sum(people.c.c).label("in_course"))
    statement = union_all(*(by(d) for d in DIMENSIONS), total)
    return [{**dict(r), "people": int(r.people), "in_program": int(r.in_program or 0),
             "in_course": int(r.in_course or 0)} for r in db.execute(statement).mappings()]
