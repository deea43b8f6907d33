"""Cohort rules: planning the schedule, publishing, moving and cancelling."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select

from selfhelp.accounts.leader_register import is_qualified
from selfhelp.clock import wall_clock
from selfhelp.accounts.models import Role, StaffMunicipality, User, UserRole
from selfhelp.content.model import Course
from selfhelp.courses.models import Application, Cohort, CohortLeader, CourseSession
from selfhelp.courses.schedule import PlannedSession, generate_sessions
from selfhelp.db import db
from selfhelp.notifications.services import enqueue
from selfhelp.courses.models import ApplicationState, CohortState, SessionState

class CohortError(Exception):
    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass
class CohortPlan:
    course_code: str
    leader_ids: list[int]
    municipality_code: str
    first_date: date
    start_time: time
    capacity: int
    application_deadline: date
    online: bool = False
    place: str | None = None
    room: str | None = None
    video_link: str | None = None
    open_to_other_municipalities: bool = False
    auto_admit: bool = False
    remind_two_hours: bool = False
    skip_dates: list[date] = field(default_factory=list)


def qualified_leaders(course: Course, municipality_code: str) -> list[User]:
    """Course leaders serving the municipality whom the leader register qualifies for the course
    (KiB also needs KiD: see accounts.leader_register.PREREQUISITES)."""
    leaders = db.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.COURSE_LEADER, User.active.is_(True))
        .join(StaffMunicipality).where(StaffMunicipality.municipality_code == municipality_code)
        .distinct().order_by(User.name))
    return [u for u in leaders if is_qualified(u, course.leader_qualification)]


def check_plan(actor: User, plan: CohortPlan, course: Course, today: date) -> list[CohortError]:
    """Every problem with the plan, each tied to the form field it belongs to."""
    problems = []
    allowed = {u.id for u in qualified_leaders(course, plan.municipality_code)}
    if any(leader_id not in allowed for leader_id in plan.leader_ids):
        problems.append(CohortError("leader_not_qualified", "leaders"))
    if len(set(plan.leader_ids)) < course.leaders_required:
        problems.append(CohortError("too_few_leaders", "leaders"))
    if actor.id not in plan.leader_ids and not actor.has_role("admin"):
        problems.append(CohortError("actor_not_leader", "leaders"))
    if not 1 <= plan.capacity <= course.group_max:
        problems.append(CohortError("capacity", "capacity"))
    if plan.first_date < today:
        problems.append(CohortError("first_date_past", "first_date"))
    if plan.application_deadline > plan.first_date:
        problems.append(CohortError("deadline_after_start", "application_deadline"))
    if not plan.online and not (plan.place or "").strip():
        problems.append(CohortError("place_missing", "place"))
    return problems


def plan_sessions(course: Course, plan: CohortPlan) -> list[PlannedSession]:
    return generate_sessions(course, plan.first_date, plan.start_time, skip_dates=plan.skip_dates)


def _apply_plan(cohort: Cohort, plan: CohortPlan) -> None:
    for name in ("course_code", "municipality_code", "first_date", "start_time", "capacity",
                 "application_deadline", "online", "place", "room", "video_link",
                 "open_to_other_municipalities", "auto_admit", "remind_two_hours"):
        setattr(cohort, name, getattr(plan, name))
    cohort.skip_dates = [d.isoformat() for d in plan.skip_dates]
    wanted = list(dict.fromkeys(plan.leader_ids))
    cohort.leaders = [leader for leader in cohort.leaders if leader.leader_id in wanted]
    present = cohort.leader_ids
    cohort.leaders.extend(CohortLeader(leader_id=i) for i in wanted if i not in present)


def _sessions_from(planned: list[PlannedSession], now: datetime) -> list[CourseSession]:
    return [CourseSession(number=p.number, kind=p.kind, local_date=p.local_date, start_time=p.start_time,
                          minutes=p.minutes, starts_at=p.starts_at, ends_at=p.ends_at,
                          state=SessionState.SCHEDULED, sequence=0, updated_at=now) for p in planned]


def create_cohort(actor: User, plan: CohortPlan, course: Course, now: datetime, today: date) -> Cohort:
    problems = check_plan(actor, plan, course, today)
    if problems:
        raise problems[0]
    cohort = Cohort(created_by_id=actor.id, created_at=now, state=CohortState.DRAFT, seats_taken=0,
                    waitlist_counter=0)
    _apply_plan(cohort, plan)
    cohort.sessions = _sessions_from(plan_sessions(course, plan), now)
    db.add(cohort)
    db.flush()
    return cohort


def update_draft(actor: User, cohort: Cohort, plan: CohortPlan, course: Course, now: datetime,
                 today: date) -> None:
    """Change a cohort that is not published yet; the schedule is planned again."""
    if cohort.state != CohortState.DRAFT:
        raise CohortError("not_draft")
    problems = check_plan(actor, plan, course, today)
    if problems:
        raise problems[0]
    _apply_plan(cohort, plan)
    cohort.sessions.clear()
    db.flush()
    cohort.sessions.extend(_sessions_from(plan_sessions(course, plan), now))
    db.flush()


def publish(actor: User, cohort: Cohort, now: datetime) -> None:
    if cohort.state != CohortState.DRAFT:
        raise CohortError("not_draft")
    cohort.state = CohortState.PUBLISHED
    cohort.published_at = now


def _tell_participants(cohort: Cohort, kind: str, occurrence: str, now: datetime, context: dict,
                       states=(ApplicationState.ADMITTED,)) -> None:
    for application in db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                            Application.state.in_(states))):
        enqueue(application.resident_id, kind, occurrence, now, now, {"cohort_id": cohort.id, **context})


def move_session(actor: User, cohort: Cohort, session: CourseSession, new_date: date, new_time: time,
                 now: datetime) -> None:
    """Move one session; participants are told at once, and calendars get the new version."""
    if session.state == SessionState.CANCELLED or cohort.state == CohortState.CANCELLED:
        raise CohortError("cancelled")
    if (new_date, new_time) == (session.local_date, session.start_time):
        return
    if wall_clock(new_date, new_time) <= now:
        raise CohortError("in_past", "date")
    session.moved_from = session.moved_from or session.local_date
    session.local_date, session.start_time = new_date, new_time
    moved = PlannedSession(session.number, session.kind, new_date, new_time, session.minutes, None, ())
    session.starts_at, session.ends_at = moved.starts_at, moved.ends_at
    session.sequence += 1
    session.updated_at = now
    if cohort.state == CohortState.PUBLISHED:
        _tell_participants(cohort, "session_moved", f"session:{session.id}:v{session.sequence}", now,
                           {"session_id": session.id})


def cancel_session(actor: User, cohort: Cohort, session: CourseSession, reason: str,
                   now: datetime) -> None:
    """Cancel one session; participants are told at once. The reason is required: they read it
    on their course page (the email only says that the session is cancelled)."""
    if session.state == SessionState.CANCELLED:
        return
    if not (reason or "").strip():
        raise CohortError("reason_missing", "reason")
    session.state = SessionState.CANCELLED
    session.cancel_reason = reason.strip()
    session.sequence += 1
    session.updated_at = now
    if cohort.state == CohortState.PUBLISHED:
        _tell_participants(cohort, "session_cancelled", f"session:{session.id}:v{session.sequence}",
                           now, {"session_id": session.id})


def cancel_cohort(actor: User, cohort: Cohort, reason: str, now: datetime) -> None:
    """Cancel the whole course: every session, and everyone who applied is told."""
    if cohort.state == CohortState.CANCELLED:
        return
    if not (reason or "").strip():
        raise CohortError("reason_missing", "reason")
    was_published = cohort.state == CohortState.PUBLISHED
    cohort.state = CohortState.CANCELLED
    cohort.cancelled_at = now
    cohort.cancel_reason = reason
    for session in cohort.sessions:
        if session.state != SessionState.CANCELLED:
            session.state = SessionState.CANCELLED
            session.sequence += 1
            session.updated_at = now
    if was_published:
        _tell_participants(cohort, "cohort_cancelled", f"cohort:{cohort.id}", now, {},
                           states=("received", "pretalk", "waitlisted", "admitted"))
