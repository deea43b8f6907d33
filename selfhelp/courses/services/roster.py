"""The roster's rules: attendance at each session, and the leaders' notes on the cohort."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.courses.models import Attendance, Cohort, CohortNote, CourseSession
from selfhelp.courses.queries import participants
from selfhelp.db import db

ATTENDANCE = ("present", "absent", "notified")


def record_attendance(actor: User, session: CourseSession, marks: dict[int, str], now: datetime) -> None:
    """Set each participant's attendance for one session: present, absent or notified. Marks
    for anyone not admitted to the cohort are ignored; the change is in the audit log."""
    people = participants(db.get(Cohort, session.cohort_id))
    admitted = {a.id for a in people}
    existing = {a.application_id: a for a in db.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    for application_id, status in marks.items():
        if status not in ATTENDANCE or application_id not in admitted:
            continue
        row = existing.get(application_id)
        if row is None:
            db.add(Attendance(session_id=session.id, application_id=application_id, status=status,
                              recorded_by_id=actor.id, recorded_at=now))
        elif row.status != status:
            row.status, row.recorded_by_id, row.recorded_at = status, actor.id, now
    db.flush()
    audit(actor, "course_leader", [a.resident_id for a in people], "attendance", "change", now,
          record_id=session.id)


def add_note(actor: User, cohort: Cohort, text: str, now: datetime) -> CohortNote:
    note = CohortNote(cohort_id=cohort.id, author_id=actor.id, text=text.strip(), created_at=now)
    db.add(note)
    db.flush()
    return note
