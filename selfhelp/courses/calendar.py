"""A participant's course calendar (.ics): stable UIDs, local times, moved and cancelled sessions.

The calendar lands in other apps, so it names no diagnosis: "Kurs (selfhelp) – samling 3".
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for

from selfhelp.courses.ical import CalendarEvent, build_calendar
from selfhelp.courses.models import Application, SessionState


def calendar_for(application: Application, now: datetime) -> bytes:
    cohort = application.cohort
    base = current_app.config["BASE_URL"]
    link = base + url_for("courses.mine")
    location = "Video" if cohort.online else ", ".join(p for p in (cohort.place, cohort.room) if p)
    events = [CalendarEvent(
        uid=f"course-session-{session.id}@selfhelp", sequence=session.sequence,
        starts_at=session.starts_at, ends_at=session.ends_at,
        summary=f"Kurs (selfhelp) – samling {session.number}", location=location or None,
        description=f"Se detaljer og lenke på {link}", url=link,
        cancelled=session.state == SessionState.CANCELLED, last_modified=session.updated_at)
        for session in cohort.sessions]
    return build_calendar("selfhelp – kurs", events, now)
