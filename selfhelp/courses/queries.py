"""What the course pages show, in a fixed number of queries whatever the data size.

The leader's pages that show applicants' or participants' data record that view in the audit
log here, so every caller of them is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from selfhelp.accounts.models import StaffMunicipality, User, UserRole
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.audit.services import record as audit
from selfhelp.care.queries import FlagRow, open_flags_for_leader
from selfhelp.content import get_catalogue
from selfhelp.courses.models import Application, Attendance, Cohort, CohortNote, CourseSession
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult
from selfhelp.notifications.services import Preview, preview
from selfhelp.pathway.review import ReviewItem, cohort_reviews
from selfhelp.i18n import localized
from selfhelp.courses.models import CohortState


def open_cohorts(today: date, course_code: str | None = None, municipality_code: str | None = None,
                 online_only: bool = False):
    """Published cohorts still taking applications (sessions come with one extra query)."""
    query = select(Cohort).where(Cohort.state == CohortState.PUBLISHED, Cohort.application_deadline >= today)
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


def cohorts_led_by(leader: User) -> list[Cohort]:
    """The leader's cohorts, the latest first."""
    return list(db.scalars(select(Cohort).where(Cohort.leaders.any(leader_id=leader.id))
                           .order_by(Cohort.first_date.desc())))


def participants(cohort: Cohort) -> list[Application]:
    """The admitted, in the order they applied."""
    return list(db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                     Application.state == "admitted")
                           .order_by(Application.applied_at)))


# --- the cohort form --------------------------------------------------------------------------

def cohort_form_choices(form, leader: User) -> None:
    """The courses, the leader's municipalities and the leaders serving them, for the form."""
    courses = get_catalogue().courses.values()
    form.course.choices = [(c.code, f"{c.code} – {localized(c.name)}") for c in courses]
    mine = sorted(leader.municipality_codes)
    form.municipality.choices = [(code, municipality_name(code)) for code in mine]
    leaders = db.scalars(select(User).join(UserRole).where(UserRole.role == "course_leader",
                                                           User.active.is_(True))
                         .join(StaffMunicipality).where(StaffMunicipality.municipality_code.in_(mine))
                         .distinct().order_by(User.name)).all()
    labels = {"kid_leader": "KiD", "kib_leader": "KiB", "du_leader": "DU"}
    form.leaders.choices = [
        (u.id, _leader_choice(u, sorted(labels[q] for q in u.qualification_names)))
        for u in leaders]


def _leader_choice(leader: User, courses: list[str]) -> str:
    """"Amina – leder KiD, DU": the name as it is, then what the register says they may lead."""
    if not courses:
        return _("%(name)s – ingen kurs i lederregisteret", name=leader.shown_name)
    return _("%(name)s – leder %(courses)s", name=leader.shown_name, courses=", ".join(courses))


def prefill_form(form, cohort: Cohort | None, leader: User, today: date) -> None:
    """A new cohort: sensible defaults (six weeks ahead, 18:00); a draft: what it holds."""
    if cohort is None:
        course = next(iter(get_catalogue().courses.values()))
        form.course.data = course.code
        form.leaders.data = [leader.id]
        form.municipality.data = next(iter(sorted(leader.municipality_codes)), None)
        form.start_time.data = time(18, 0)
        form.first_date.data = today + timedelta(weeks=6)
        form.application_deadline.data = today + timedelta(weeks=4)
        form.capacity.data = course.group_default
        return
    for name in ("online", "place", "room", "video_link", "first_date", "start_time", "capacity",
                 "application_deadline", "open_to_other_municipalities", "auto_admit", "remind_two_hours"):
        getattr(form, name).data = getattr(cohort, name)
    form.course.data = cohort.course_code
    form.municipality.data = cohort.municipality_code
    form.leaders.data = sorted(cohort.leader_ids)
    form.skip_dates.data = ", ".join(cohort.skip_dates or [])


# --- the leader's pages (audited) ---------------------------------------------------------------

@dataclass
class CohortPage:
    #: application state -> how many
    counts: dict[str, int]
    #: (admitted application, its open stepped-care review)
    review_rows: list[tuple[Application, ReviewItem]]
    flags: list[FlagRow]


def cohort_page(leader: User, cohort: Cohort, now: datetime) -> CohortPage:
    """The cohort's counts, the participants' reviews and open flags (names and scores of
    residents: the leader's view is recorded when there are any)."""
    counts = dict(db.execute(select(Application.state, func.count()).where(
        Application.cohort_id == cohort.id).group_by(Application.state)).all())
    admitted = list(db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                        Application.state == "admitted")))
    by_id = {a.id: a for a in admitted}
    review_rows = [(by_id[application_id], item)
                   for application_id, item in cohort_reviews(cohort, admitted).items()]
    if review_rows:
        audit(leader, "course_leader", [a.resident_id for a, _item in review_rows], "care_review",
              "view", now, record_id=cohort.id)
    flags = open_flags_for_leader(leader, now, cohort.id)
    if flags:
        audit(leader, "course_leader", [r.resident.id for r in flags], "open_flags", "view", now)
    return CohortPage(counts, review_rows, flags)


def applications_page(leader: User, cohort: Cohort, now: datetime) -> list[tuple[Application, MeasureResult | None]]:
    """Every application to the cohort with its screening result, oldest first."""
    rows = db.execute(select(Application, MeasureResult).outerjoin(
        MeasureResult, MeasureResult.id == Application.screening_result_id)
        .where(Application.cohort_id == cohort.id).order_by(Application.applied_at)).all()
    audit(leader, "course_leader", [a.resident_id for a, _r in rows], "course_applications",
          "view", now, record_id=cohort.id)
    return rows


def application_page(leader: User, application: Application, now: datetime) -> MeasureResult | None:
    """One application as its leader sees it: the screening result (or None)."""
    screening = (db.get(MeasureResult, application.screening_result_id)
                 if application.screening_result_id else None)
    audit(leader, "course_leader", [application.resident_id], "course_application", "view", now,
          record_id=application.id)
    return screening


@dataclass
class RosterPage:
    people: list[Application]
    waiting: list[Application]
    #: (application id, session id) -> attendance status
    marks: dict[tuple[int, int], str]
    notes: list[CohortNote]


def roster_page(leader: User, cohort: Cohort, now: datetime) -> RosterPage:
    """Participants, the waiting list in order, attendance marks and the leaders' notes."""
    both = db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                Application.state.in_(("admitted", "waitlisted")))
                      .order_by(Application.waitlist_ticket, Application.applied_at)).all()
    people = sorted((a for a in both if a.state == "admitted"), key=lambda a: a.applied_at)
    waiting = [a for a in both if a.state == "waitlisted"]
    attendance = db.execute(select(Attendance.application_id, Attendance.session_id, Attendance.status)
                            .join(CourseSession).where(CourseSession.cohort_id == cohort.id)).all()
    notes = list(db.scalars(select(CohortNote).where(CohortNote.cohort_id == cohort.id)
                            .order_by(CohortNote.created_at.desc())))
    audit(leader, "course_leader", [a.resident_id for a in [*people, *waiting]], "cohort_roster",
          "view", now, record_id=cohort.id)
    return RosterPage(people, waiting, {(a, s): status for a, s, status in attendance}, notes)


def roster_export(leader: User, cohort: Cohort, now: datetime) -> list[Application]:
    """The participants for the roster download; the export is recorded."""
    people = participants(cohort)
    audit(leader, "course_leader", [a.resident_id for a in people], "cohort_roster", "export", now,
          record_id=cohort.id)
    return people


def attendance_page(leader: User, session: CourseSession, now: datetime) -> tuple[list[Application], dict[int, str]]:
    """The participants and their attendance at one session (application id -> status)."""
    people = participants(db.get(Cohort, session.cohort_id))
    current = dict(db.execute(select(Attendance.application_id, Attendance.status)
                              .where(Attendance.session_id == session.id)).all())
    audit(leader, "course_leader", [a.resident_id for a in people], "attendance", "view", now,
          record_id=session.id)
    return people, current


# --- confirmation pages: who is told, and the exact words -------------------------------------

#: Everyone who applied and is still in line is told when the whole course is cancelled.
TOLD_OF_COHORT_CANCEL = ("received", "pretalk", "waitlisted", "admitted")


@dataclass
class Confirmation:
    #: the people who will get the message (empty: nobody is told)
    told: list[Application]
    #: the email they get; None when nobody is told
    message: Preview | None


def _told(leader: User, cohort: Cohort, states: tuple[str, ...], now: datetime) -> list[Application]:
    if cohort.state != CohortState.PUBLISHED:
        return []  # a draft has told nobody anything yet, and a cancelled course tells no more
    told = list(db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                     Application.state.in_(states))
                           .order_by(Application.applied_at)))
    if told:
        audit(leader, "course_leader", [a.resident_id for a in told], "cohort_roster", "view", now,
              record_id=cohort.id)
    return told


def _first_name(told: list[Application]) -> str:
    return told[0].resident.first_name if told else ""


def cancel_session_confirmation(leader: User, cohort: Cohort, session: CourseSession,
                                now: datetime) -> Confirmation:
    """Who is told that the session is cancelled (the participants), and the email they get."""
    told = _told(leader, cohort, ("admitted",), now)
    message = preview("session_cancelled", f"session:{session.id}:v{session.sequence + 1}",
                      {"cohort_id": cohort.id, "session_id": session.id}, _first_name(told),
                      now) if told else None
    return Confirmation(told, message)


def cancel_cohort_confirmation(leader: User, cohort: Cohort, now: datetime) -> Confirmation:
    """Who is told that the course is cancelled (everyone still applying or admitted)."""
    told = _told(leader, cohort, TOLD_OF_COHORT_CANCEL, now)
    message = preview("cohort_cancelled", f"cohort:{cohort.id}", {"cohort_id": cohort.id},
                      _first_name(told), now) if told else None
    return Confirmation(told, message)


def decline_confirmation(leader: User, application: Application, now: datetime) -> Confirmation:
    """The applicant is told by email that the answer is in selfhelp; the reason stays behind the
    login."""
    audit(leader, "course_leader", [application.resident_id], "course_application", "view", now,
          record_id=application.id)
    message = preview("course_declined", f"application:{application.id}",
                      {"cohort_id": application.cohort_id}, application.resident.first_name, now)
    return Confirmation([application], message)
