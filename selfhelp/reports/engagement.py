"""Engagement in SQL: completion and where people stop (by module and by course session),
attendance per session, and waiting time from sign-up/application to the first module/session.

Five statements, each returning a bounded aggregate (programs × modules, courses × sessions),
never a row per person.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, and_, case, func, literal, or_, select, union_all

from selfhelp.accounts.models import User
from selfhelp.content import get_catalogue
from selfhelp.courses.models import (
    Application, ApplicationState, Attendance, AttendanceStatus, Cohort, CourseSession,
    SessionState,
)
from selfhelp.db import db
from selfhelp.programs.models import Enrolment, ModuleProgress
from selfhelp.reports.episodes import attended, latest_guides, program_scope
from selfhelp.reports.scope import Period, Scope
from selfhelp.reports.sql import percentiles, seconds_between

#: Not completed and nothing done for this long: the person has stopped.
INACTIVE_AFTER = timedelta(days=14)
DAY = 86400.0


def _module_number():
    whens = [(and_(Enrolment.program_slug == slug, ModuleProgress.module_slug == m.slug), m.number)
             for slug, program in get_catalogue().programs.items() for m in program.modules]
    return case(*whens, else_=0) if whens else literal(0)


def _module_total():
    whens = [(Enrolment.program_slug == slug, len(p.modules))
             for slug, p in get_catalogue().programs.items()]
    return case(*whens, else_=0) if whens else literal(0)


def _scoped_enrolments(scope: Scope, period: Period, *columns):
    guide = latest_guides()
    return (select(*columns).select_from(Enrolment)
            .join(User, User.id == Enrolment.resident_id)
            .outerjoin(guide, guide.c.enrolment_id == Enrolment.id)
            .where(Enrolment.started_at >= period.start, Enrolment.started_at < period.end,
                   program_scope(scope, guide.c.guide_id)))


def program_progress(scope: Scope, period: Period) -> list[dict]:
    """(program, furthest module opened, completed all, stopped) -> enrolments."""
    per = (
        _scoped_enrolments(
            scope, period, Enrolment.id, Enrolment.program_slug,
            func.count(ModuleProgress.completed_at).label("done"),
            func.max(_module_number()).label("furthest"),
            func.max(_module_total()).label("total"),
            func.max(Enrolment.last_activity_at).label("last_activity"))
        .outerjoin(ModuleProgress, ModuleProgress.enrolment_id == Enrolment.id)
        .group_by(Enrolment.id, Enrolment.program_slug)
        .subquery()
    )
    completed = and_(per.c.total > 0, per.c.done >= per.c.total)
    stopped = and_(~completed, or_(per.c.last_activity.is_(None),
                                   per.c.last_activity < period.now - INACTIVE_AFTER))
    # Flags in a subquery first: PostgreSQL cannot group by an expression with parameters.
    flags = select(per.c.program_slug, func.coalesce(per.c.furthest, 0).label("furthest"),
                   case((completed, 1), else_=0).label("completed"),
                   case((stopped, 1), else_=0).label("stopped")).subquery()
    f = flags.c
    statement = (select(f.program_slug, f.furthest, f.completed, f.stopped,
                        func.count().label("people"))
                 .group_by(f.program_slug, f.furthest, f.completed, f.stopped))
    return [dict(r) for r in db.execute(statement).mappings()]


def _course_places(scope: Scope, period: Period, *columns):
    present = attended()
    return (select(*columns).select_from(Application)
            .join(Cohort, Cohort.id == Application.cohort_id)
            .outerjoin(present, present.c.application_id == Application.id)
            .where(Cohort.first_date >= period.first, Cohort.first_date <= period.last,
                   or_(Application.state == ApplicationState.ADMITTED, func.coalesce(present.c.present, 0) >= 1),
                   scope.cohorts(Cohort.id, Cohort.municipality_code)))


def session_attendance(scope: Scope, period: Period) -> list[dict]:
    """(course, session number, status) -> attendance marks of participants in scope."""
    places = _course_places(scope, period, Application.id).subquery()
    statement = (
        select(Cohort.course_code, CourseSession.number, Attendance.status,
               func.count().label("people"))
        .select_from(Attendance)
        .join(places, places.c.id == Attendance.application_id)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .group_by(Cohort.course_code, CourseSession.number, Attendance.status)
    )
    return [dict(r) for r in db.execute(statement).mappings()]


def session_participants(scope: Scope, period: Period) -> list[dict]:
    """(course, session number) -> participants whose cohort has held that session (not
    cancelled, started before the end of the period and before now): the base of the
    attendance rate, so sessions still to come do not pull it down."""
    held_before = min(period.end, period.now)
    places = _course_places(scope, period, Application.id.label("application_id"),
                            Cohort.id.label("cohort_id")).subquery()
    statement = (
        select(Cohort.course_code, CourseSession.number, func.count().label("people"))
        .select_from(places)
        .join(CourseSession, CourseSession.cohort_id == places.c.cohort_id)
        .join(Cohort, Cohort.id == places.c.cohort_id)
        .where(CourseSession.state != SessionState.CANCELLED, CourseSession.starts_at < held_before)
        .group_by(Cohort.course_code, CourseSession.number)
    )
    return [dict(r) for r in db.execute(statement).mappings()]


def last_session_attended(scope: Scope, period: Period) -> list[dict]:
    """(course, last session attended, 0 = none) -> participants."""
    last = (select(Attendance.application_id,
                   func.max(CourseSession.number).label("last"))
            .join(CourseSession, CourseSession.id == Attendance.session_id)
            .where(Attendance.status == AttendanceStatus.PRESENT)
            .group_by(Attendance.application_id).subquery("last_present"))
    per = (_course_places(scope, period, Cohort.course_code,
                          func.coalesce(last.c.last, 0).label("last"))
           .outerjoin(last, last.c.application_id == Application.id).subquery())
    statement = (select(per.c.course_code, per.c.last, func.count().label("people"))
                 .group_by(per.c.course_code, per.c.last))
    return [dict(r) for r in db.execute(statement).mappings()]


def waiting_times(scope: Scope, period: Period) -> list[dict]:
    """Days from sign-up to the first module opened (per program) and from application to the
    first session attended (per course), with 'all' rows for each: n, median, 90th percentile.
    People who have not reached it yet are not in n."""
    first_module = (select(ModuleProgress.enrolment_id,
                           func.min(ModuleProgress.opened_at).label("at"))
                    .group_by(ModuleProgress.enrolment_id).subquery("first_module"))
    program_days = (_scoped_enrolments(
        scope, period, literal("program", String).label("kind"),
        Enrolment.program_slug.label("grp"),
        (seconds_between(first_module.c.at, User.created_at) / DAY).label("value"))
        .join(first_module, first_module.c.enrolment_id == Enrolment.id)).subquery()
    first_session = (select(Attendance.application_id,
                            func.min(CourseSession.starts_at).label("at"))
                     .join(CourseSession, CourseSession.id == Attendance.session_id)
                     .where(Attendance.status == AttendanceStatus.PRESENT)
                     .group_by(Attendance.application_id).subquery("first_session"))
    course_days = (_course_places(
        scope, period, literal("course", String).label("kind"),
        Cohort.course_code.label("grp"),
        (seconds_between(first_session.c.at, Application.applied_at) / DAY).label("value"))
        .join(first_session, first_session.c.application_id == Application.id)).subquery()
    values = union_all(
        select(program_days.c.kind, program_days.c.grp, program_days.c.value),
        select(program_days.c.kind, literal("all", String), program_days.c.value),
        select(course_days.c.kind, course_days.c.grp, course_days.c.value),
        select(course_days.c.kind, literal("all", String), course_days.c.value),
    ).subquery()
    statement = percentiles(select(values.c.kind, values.c.grp, values.c.value), ["kind", "grp"])
    return [dict(r) for r in db.execute(statement).mappings()]
