"""Scheduled work of the course domain: planning reminders before each session.

A reminder is due at the same Oslo wall-clock time the day before (an 18:00 session: 18:00 the
day before, also across a daylight-saving change), and two hours before when the cohort asks for
it. Planning adds outbox rows that are due now; re-running finds them there and adds nothing.
A session moved later gets a new sequence number and so a new reminder; the old one is dropped
at sending (notifications/kinds.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from selfhelp.clock import same_time_days_before
from selfhelp.courses.models import Application, Cohort, CourseSession
from selfhelp.db import db
from selfhelp.notifications.services import Planned, enqueue_many

#: Look this far ahead for sessions: the wall-clock day before is 23, 24 or 25 hours earlier.
HORIZON = timedelta(hours=26)


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
