"""Treatment episodes in a scope and period: a program enrolment or a place in a cohort.

One row per episode, built in SQL: who, what (program slug or course code, cohort, guide),
whether the person *finished* (PRODUCT.md: at least 2 sessions or check-ins) and the context the
episode's questionnaire answers are stored under.
"""
from __future__ import annotations

from sqlalchemy import (
    Integer, String, and_, case, cast, func, literal, null, or_, select, union_all,
)

from selfhelp.accounts.models import Role, User
from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.content import get_catalogue
from selfhelp.courses.models import (
    Application, ApplicationState, Attendance, AttendanceStatus, Cohort,
)
from selfhelp.programs.models import Enrolment, ModuleProgress
from selfhelp.reports.scope import Period, Scope

FINISHED_AT_LEAST = 2  #: check-ins (guided programs), modules (unguided) or sessions attended


def latest_guides():
    """enrolment_id -> the guide assigned last (a subquery)."""
    ranked = select(
        GuideAssignment.enrolment_id, GuideAssignment.guide_id,
        func.row_number().over(partition_by=GuideAssignment.enrolment_id,
                               order_by=(GuideAssignment.assigned_at.desc(),
                                         GuideAssignment.id.desc())).label("rn"),
    ).subquery()
    return (select(ranked.c.enrolment_id, ranked.c.guide_id).where(ranked.c.rn == 1)
            .subquery("latest_guide"))


def program_scope(scope: Scope, guide_id_column):
    if scope.role == Role.GUIDE:
        return guide_id_column == scope.user_id
    return scope.residents(User.municipality_code)


def program_episodes(scope: Scope, period: Period):
    """Enrolments started in the period. Finished: 2 check-ins sent (guided programs) or
    2 modules done (unguided programs, which have no check-ins)."""
    guided = sorted(slug for slug, p in get_catalogue().programs.items() if p.guided)
    checkins = (select(Checkin.enrolment_id, func.count().label("n"))
                .where(Checkin.submitted_at.is_not(None), Checkin.submitted_at < period.end)
                .group_by(Checkin.enrolment_id).subquery())
    modules = (select(ModuleProgress.enrolment_id, func.count().label("n"))
               .where(ModuleProgress.completed_at.is_not(None),
                      ModuleProgress.completed_at < period.end)
               .group_by(ModuleProgress.enrolment_id).subquery())
    guide = latest_guides()
    is_guided = Enrolment.program_slug.in_(guided)
    finished = case(
        (and_(is_guided, func.coalesce(checkins.c.n, 0) >= FINISHED_AT_LEAST), 1),
        (and_(~is_guided, func.coalesce(modules.c.n, 0) >= FINISHED_AT_LEAST), 1), else_=0)
    return (
        select(Enrolment.resident_id.label("resident_id"), literal("program").label("kind"),
               Enrolment.program_slug.label("key"),
               (literal("program:", String) + Enrolment.program_slug).label("context"),
               cast(null(), Integer).label("cohort_id"), guide.c.guide_id.label("guide_id"),
               finished.label("finished"))
        .join(User, User.id == Enrolment.resident_id)
        .outerjoin(checkins, checkins.c.enrolment_id == Enrolment.id)
        .outerjoin(modules, modules.c.enrolment_id == Enrolment.id)
        .outerjoin(guide, guide.c.enrolment_id == Enrolment.id)
        .where(Enrolment.started_at >= period.start, Enrolment.started_at < period.end,
               program_scope(scope, guide.c.guide_id))
    )


def attended():
    """application_id -> sessions attended (present)."""
    return (select(Attendance.application_id,
                   func.sum(case((Attendance.status == AttendanceStatus.PRESENT, 1), else_=0)).label("present"))
            .group_by(Attendance.application_id).subquery("attended"))


def course_episodes(scope: Scope, period: Period):
    """Places in cohorts whose first session is in the period: admitted, or attended at least
    once (a person admitted who later withdrew still started). Finished: 2 sessions attended.
    One episode per person and cohort, also when they applied again after withdrawing (their
    attendance under both applications adds up)."""
    present = attended()
    per_person = (
        select(Application.resident_id, Application.cohort_id,
               func.max(case((Application.state == ApplicationState.ADMITTED, 1), else_=0)).label("admitted"),
               func.coalesce(func.sum(present.c.present), 0).label("present"))
        .outerjoin(present, present.c.application_id == Application.id)
        .group_by(Application.resident_id, Application.cohort_id)
        .subquery("places"))
    n_present = per_person.c.present
    return (
        select(per_person.c.resident_id.label("resident_id"), literal("course").label("kind"),
               Cohort.course_code.label("key"),
               (literal("cohort:", String) + cast(Cohort.id, String)).label("context"),
               Cohort.id.label("cohort_id"), cast(null(), Integer).label("guide_id"),
               case((n_present >= FINISHED_AT_LEAST, 1), else_=0).label("finished"))
        .select_from(per_person)
        .join(Cohort, Cohort.id == per_person.c.cohort_id)
        .where(Cohort.first_date >= period.first, Cohort.first_date <= period.last,
               or_(per_person.c.admitted == 1, n_present >= 1),
               scope.cohorts(Cohort.id, Cohort.municipality_code))
    )


def episodes(scope: Scope, period: Period):
    """Every episode in the scope and period (a CTE)."""
    return union_all(program_episodes(scope, period),
                     course_episodes(scope, period)).cte("episodes")
