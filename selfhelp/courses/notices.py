"""What the course domain tells residents, and when (registered in create_app).

Builders: admission, decline, pre-talk, waiting-list offer, moved or cancelled sessions and
cohorts, reminders. The planner adds the reminders before each session: due at the same Oslo
wall-clock time the day before (an 18:00 session: 18:00 the day before, also across a
daylight-saving change), and two hours before when the cohort asks for it. Planning adds outbox
rows that are due now; re-running finds them there and adds nothing. A session moved later gets a
new sequence number and so a new reminder; the old one is dropped at sending (Gone below).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfhelp import dates
from selfhelp.clock import OSLO, local, same_time_days_before, wall_clock
from selfhelp.courses.models import Application, Cohort, CourseSession
from selfhelp.db import db
from selfhelp.notifications.kinds import Gone, day_word, link, when
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Registry
from selfhelp.notifications.services import Planned, enqueue_many

#: Look this far ahead for sessions: the wall-clock day before is 23, 24 or 25 hours earlier.
HORIZON = timedelta(hours=26)


# ------------------------------------------------------------------ builders

def _cohort(session: Session, n: Notification) -> Cohort:
    cohort = session.get(Cohort, n.context.get("cohort_id"))
    if cohort is None:
        raise Gone("cohort deleted")
    return cohort


def _course_session(session: Session, n: Notification) -> CourseSession:
    course_session = session.get(CourseSession, n.context.get("session_id"))
    if course_session is None:
        raise Gone("session deleted")
    # occurrence "session:12:v3": a later change already has its own notice, so this one would
    # only tell an outdated time (no spam, no contradictions).
    version = n.occurrence.rpartition(":v")[2]
    if version.isdigit() and course_session.sequence > int(version):
        raise Gone("superseded by a later change")
    return course_session


def _next_session(cohort: Cohort, now: datetime) -> dict[str, str]:
    upcoming = [s for s in cohort.sessions if s.state == "scheduled" and s.starts_at > now]
    return when(min(upcoming, key=lambda s: s.starts_at).starts_at) if upcoming else {}


def _seat(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cohort = _cohort(session, n)
    if cohort.state == "cancelled":
        raise Gone("cohort cancelled; the cancellation notice says so")
    return {"link": link("courses.mine"), **_next_session(cohort, now)}


def _declined(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    _cohort(session, n)
    return {"link": link("courses.mine")}  # the leader's reason stays behind the login


def _pretalk(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    if _cohort(session, n).state == "cancelled":
        raise Gone("cohort cancelled")
    moment = datetime.fromisoformat(n.context["when"])
    if moment.tzinfo is None:  # a wall-clock time as typed by the leader
        moment = moment.replace(tzinfo=OSLO)
    # occurrence "application:7:<when>": a new time for the talk comes with its own notice.
    application_id = n.occurrence.split(":")[1]
    application = (session.get(Application, int(application_id))
                   if application_id.isdigit() else None)
    if application is not None and application.pretalk_at not in (None, moment):
        raise Gone("the pre-talk was moved since")
    return {"link": link("courses.mine"), **when(moment)}


def _moved(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    moved = _course_session(session, n)
    if moved.state == "cancelled":
        raise Gone("session cancelled since")
    old: date | None = moved.moved_from
    return {"link": link("courses.mine"), **when(moved.starts_at),
            "old_date": dates.day(old), "soon_at": _soonest(moved, old)}


def _soonest(moved: CourseSession, old_day: date | None) -> datetime:
    """For quiet hours: the earlier of the new time and the old day (same clock time)."""
    if old_day is None:
        return moved.starts_at
    old = wall_clock(old_day, local(moved.starts_at).time().replace(tzinfo=None))
    return min(old, moved.starts_at)


def _session_cancelled(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cancelled = _course_session(session, n)
    return {"link": link("courses.mine"), **when(cancelled.starts_at), "soon_at": cancelled.starts_at}


def _cohort_cancelled(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cohort = _cohort(session, n)
    first = min((s.starts_at for s in cohort.sessions), default=None)
    upcoming = min((s.starts_at for s in cohort.sessions if s.starts_at > now), default=None)
    return {"link": link("courses.index"), **(when(first) if first else {}), "soon_at": upcoming}


def _reminder(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    upcoming = _course_session(session, n)
    if upcoming.state == "cancelled" or upcoming.starts_at <= now:
        raise Gone("cancelled or already started")
    return {"link": link("courses.mine"), "day": day_word(upcoming.starts_at, now),
            **when(upcoming.starts_at)}


# ------------------------------------------------------------------ planner

def reminders_due(now: datetime) -> list[Planned]:
    rows = db.execute(
        select(CourseSession.id, CourseSession.cohort_id, CourseSession.starts_at,
               CourseSession.sequence, Cohort.remind_two_hours, Application.resident_id)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .join(Application, Application.cohort_id == Cohort.id)
        .where(CourseSession.state == "scheduled", Cohort.state == "published",
               Application.state == "admitted",
               CourseSession.starts_at > now, CourseSession.starts_at <= now + HORIZON))
    planned = []
    for session_id, cohort_id, starts_at, sequence, two_hours, resident_id in rows:
        occurrence = f"session:{session_id}:v{sequence}"
        context = {"cohort_id": cohort_id, "session_id": session_id}
        day_before = same_time_days_before(starts_at, 1)
        if day_before <= now:
            planned.append(Planned(resident_id, "session_reminder", occurrence, day_before, context))
        if two_hours and starts_at - timedelta(hours=2) <= now:
            planned.append(Planned(resident_id, "session_reminder_2h", occurrence,
                                   starts_at - timedelta(hours=2), context))
    return planned


def plan_session_reminders(now: datetime) -> int:
    return enqueue_many(reminders_due(now), now)


def register(notices: Registry) -> None:
    notices.add_builders({
        "course_admitted": _seat,
        "course_waitlist_offer": _seat,
        "course_declined": _declined,
        "course_pretalk": _pretalk,
        "session_moved": _moved,
        "session_cancelled": _session_cancelled,
        "cohort_cancelled": _cohort_cancelled,
        "session_reminder": _reminder,
        "session_reminder_2h": _reminder,
    })
    notices.add_planner("session reminders", plan_session_reminders)
