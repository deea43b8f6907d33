"""Before and after measures in courses: at the first session, the last weekly session and each
follow-up (PHQ-9, or WHO-5 for KiB, as the course file says)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.content import get_catalogue
from selfhelp.courses.models import Application, ApplicationState, CourseSession, SessionKind, SessionState
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult


@dataclass(frozen=True)
class DueCourseQuestionnaire:
    code: str
    occasion: str
    session: CourseSession


def measured_sessions(sessions: list[CourseSession]) -> list[CourseSession]:
    """The first session, the last weekly session and every follow-up (not cancelled ones)."""
    held = [s for s in sessions if s.state != SessionState.CANCELLED]
    weekly = [s for s in held if s.kind == SessionKind.WEEKLY]
    chosen = ([weekly[0], weekly[-1]] if weekly else []) + [s for s in held if s.kind == SessionKind.FOLLOWUP]
    return list(dict.fromkeys(chosen))


def due_course_questionnaires(resident: User, applications: list[Application],
                              today: date) -> dict[int, list[DueCourseQuestionnaire]]:
    """Application id -> questionnaires due now (session day reached, not yet answered)."""
    courses = get_catalogue().courses
    admitted = [a for a in applications if a.state == ApplicationState.ADMITTED]
    if not admitted:
        return {}
    answered = {(context, code, occasion) for context, code, occasion in db.execute(
        select(MeasureResult.context, MeasureResult.measure_code, MeasureResult.occasion)
        .where(MeasureResult.resident_id == resident.id, MeasureResult.context.like("cohort:%")))}
    due: dict[int, list[DueCourseQuestionnaire]] = {}
    for application in admitted:
        course = courses.get(application.cohort.course_code)
        if course is None or not course.outcome_measure:
            continue
        context = f"cohort:{application.cohort_id}"
        for session in measured_sessions(application.cohort.sessions):
            occasion = f"session-{session.number}"
            if session.local_date <= today and (context, course.outcome_measure, occasion) not in answered:
                due.setdefault(application.id, []).append(
                    DueCourseQuestionnaire(course.outcome_measure, occasion, session))
    return due
