"""Applications, eligibility, admission and the waiting list.

Seats and waiting-list tickets are taken with conditional UPDATEs on the cohort row, so two
leaders clicking at once, or a crowd applying at the same moment, can never overbook a cohort
or hand out the same place in the queue twice.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care.services import triage
from selfhelp.clock import local
from selfhelp.content.model import Course
from selfhelp.courses.models import ACTIVE_APPLICATION_STATES as ACTIVE
from selfhelp.courses.models import Application, ApplicationState, Cohort, CohortState, SessionState
from selfhelp.db import db
from selfhelp.measures.definitions import Measure
from selfhelp.measures.services import Answered, record_result
from selfhelp.notifications.services import enqueue

#: Not yet admitted, declined or withdrawn: the leader may still admit (or invite to a pre-talk).
UNDECIDED = (ApplicationState.RECEIVED, ApplicationState.PRETALK, ApplicationState.WAITLISTED)


class AdmissionError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def first_day(cohort: Cohort) -> date:
    """Age limits apply on the day of the first session."""
    scheduled = [s.local_date for s in cohort.sessions if s.state != SessionState.CANCELLED]
    return min(scheduled) if scheduled else cohort.first_date


def eligibility_problems(resident: User, cohort: Cohort, course: Course, today: date) -> list[str]:
    """Why this resident may not apply: too_young, too_old, other_municipality, closed, no_birth_date."""
    problems = []
    if cohort.state != CohortState.PUBLISHED or today > cohort.application_deadline:
        problems.append("closed")
    age = resident.age_on(first_day(cohort))
    if age is None:
        problems.append("no_birth_date")
    else:
        if age < course.min_age:
            problems.append("too_young")
        if course.max_age is not None and age > course.max_age:
            problems.append("too_old")
    if not cohort.open_to_other_municipalities and resident.municipality_code != cohort.municipality_code:
        problems.append("other_municipality")
    return problems


def needs_guardian(resident: User, cohort: Cohort, course: Course) -> bool:
    age = resident.age_on(first_day(cohort))
    return course.guardian_consent_under is not None and age is not None \
        and age < course.guardian_consent_under


def may_be_admitted(application: Application, course: Course) -> bool:
    if needs_guardian(application.resident, application.cohort, course):
        return application.guardian_confirmed_at is not None
    return True


# --- seats and tickets: the only places that change them --------------------------------------

def _take_seat(cohort_id: int) -> bool:
    taken = db.execute(update(Cohort).where(Cohort.id == cohort_id, Cohort.seats_taken < Cohort.capacity)
                       .values(seats_taken=Cohort.seats_taken + 1)
                       .execution_options(synchronize_session=False)).rowcount
    return taken == 1


def _release_seat(cohort_id: int) -> None:
    db.execute(update(Cohort).where(Cohort.id == cohort_id, Cohort.seats_taken > 0)
               .values(seats_taken=Cohort.seats_taken - 1).execution_options(synchronize_session=False))


def _next_ticket(cohort_id: int) -> int:
    return db.execute(update(Cohort).where(Cohort.id == cohort_id)
                      .values(waitlist_counter=Cohort.waitlist_counter + 1)
                      .returning(Cohort.waitlist_counter)
                      .execution_options(synchronize_session=False)).scalar_one()


def _is_full(cohort: Cohort) -> bool:
    # Read fresh: seats change through UPDATEs that do not refresh loaded objects.
    taken, capacity = db.execute(select(Cohort.seats_taken, Cohort.capacity)
                                 .where(Cohort.id == cohort.id)).one()
    return taken >= capacity


def _to_waitlist(application: Application) -> None:
    ticket = application.waitlist_ticket or _next_ticket(application.cohort_id)
    _transition(application, UNDECIDED, ApplicationState.WAITLISTED, waitlist_ticket=ticket)


def _transition(application: Application, from_states: tuple[ApplicationState, ...],
                to_state: ApplicationState,
                **values) -> bool:
    """Change state only if it is still one of `from_states` (a double click, or two leaders at
    once, must not count twice). Returns whether this call made the change."""
    changed = db.execute(update(Application).where(Application.id == application.id,
                                                   Application.state.in_(from_states))
                         .values(state=to_state, **values)
                         .execution_options(synchronize_session=False)).rowcount == 1
    db.refresh(application)
    return changed


def _admit(application: Application, now: datetime, kind: str) -> None:
    """Give a seat already taken for this application; release it if someone else got there first."""
    if not _transition(application, UNDECIDED, ApplicationState.ADMITTED,
                       decided_at=now, waitlist_ticket=None):
        _release_seat(application.cohort_id)
        raise AdmissionError("not_pending")
    enqueue(application.resident_id, kind, f"application:{application.id}", now, now,
            {"cohort_id": application.cohort_id})


# --- what people do ------------------------------------------------------------------------------

@dataclass
class ApplicationForm:
    motivation: str
    guardian_name: str | None = None
    guardian_contact: str | None = None


def open_application(resident: User, cohort: Cohort) -> Application | None:
    """The person's application to the cohort that is still open (at most one), if any."""
    return db.scalar(select(Application).where(Application.cohort_id == cohort.id,
                                               Application.resident_id == resident.id,
                                               Application.state.in_(ACTIVE)))


def latest_application(resident: User, cohort: Cohort) -> Application | None:
    """The person's newest application to the cohort, open or not."""
    return db.scalar(select(Application).where(Application.cohort_id == cohort.id,
                                               Application.resident_id == resident.id)
                     .order_by(Application.applied_at.desc(), Application.id.desc()).limit(1))


def screening_occasion(application: Application) -> str:
    """The occasion the screening answers of this application are stored under: "screening" for
    a person's first application to the cohort, "screening-<id>" when they apply again (the
    answers of the earlier application stay as they were)."""
    earlier = db.scalar(select(func.count()).select_from(Application).where(
        Application.cohort_id == application.cohort_id,
        Application.resident_id == application.resident_id, Application.id < application.id))
    return "screening" if not earlier else f"screening-{application.id}"


def apply(resident: User, cohort: Cohort, course: Course, form: ApplicationForm,
          now: datetime, today: date) -> Application:
    """Apply to a cohort. A full cohort puts the applicant on the waiting list at once; a cohort
    with automatic admission admits while seats are free.

    Someone who withdrew or was declined may apply again: that is a new application with a new
    place at the back of the waiting list; the earlier one is kept unchanged."""
    problems = eligibility_problems(resident, cohort, course, today)
    if problems:
        raise AdmissionError(problems[0])
    if open_application(resident, cohort) is not None:
        raise AdmissionError("already_applied")
    if needs_guardian(resident, cohort, course) and not (form.guardian_name and form.guardian_contact):
        raise AdmissionError("guardian_missing")
    application = Application(cohort_id=cohort.id, resident_id=resident.id,
                              calendar_token=secrets.token_urlsafe(24), state=ApplicationState.RECEIVED,
                              motivation=form.motivation, guardian_name=form.guardian_name,
                              guardian_contact=form.guardian_contact, applied_at=now)
    application.cohort = cohort
    application.resident = resident
    db.add(application)
    db.flush()
    if cohort.auto_admit and may_be_admitted(application, course) and _take_seat(cohort.id):
        _admit(application, now, "course_admitted")
    elif cohort.auto_admit and may_be_admitted(application, course):
        _to_waitlist(application)  # the seat check above is the authoritative "full"
    elif _is_full(cohort):
        _to_waitlist(application)  # keeps their place in line while the leader assesses
    db.flush()
    return application


def apply_with_screening(resident: User, cohort: Cohort, course: Course, form: ApplicationForm,
                         measure: Measure | None, answers, now: datetime) -> tuple[Application, Answered | None]:
    """Apply together with the course's screening questionnaire (when it has one), all or
    nothing: incomplete answers (IncompleteAnswers), a refusal (AdmissionError) or a double
    submit (AlreadyAnswered) leave no application, seat or answer behind. The screening is the
    intake: severe scores open an assessment task (care.services.triage)."""
    answered = None
    with db.begin_nested():
        application = apply(resident, cohort, course, form, now, local(now).date())
        if measure is not None:
            result, flags = record_result(resident, measure, f"cohort:{cohort.id}",
                                          screening_occasion(application), answers, now)
            application.screening_result_id = result.id
            answered = Answered(result, flags, triage(resident, result, flags, now).needs_more_help)
    return application, answered


def _audit_decision(actor: User, application: Application, now: datetime) -> None:
    audit(actor, "course_leader", [application.resident_id], "course_application", "change", now,
          record_id=application.id)


def admit(actor: User, application: Application, course: Course, now: datetime) -> str:
    """The leader admits. Returns "admitted", or "waitlisted" when the cohort is full. A refusal
    (AdmissionError) changes nothing."""
    with db.begin_nested():
        outcome = _leader_admits(actor, application, course, now)
    _audit_decision(actor, application, now)
    return outcome


def _leader_admits(actor: User, application: Application, course: Course, now: datetime) -> str:
    if application.state not in ("received", "pretalk", "waitlisted"):
        raise AdmissionError("not_pending")
    if not may_be_admitted(application, course):
        raise AdmissionError("guardian_missing")
    application.decided_by_id = actor.id
    db.flush()
    if _take_seat(application.cohort_id):
        _admit(application, now, "course_admitted")
        return ApplicationState.ADMITTED
    _to_waitlist(application)
    return ApplicationState.WAITLISTED


def decline(actor: User, application: Application, reason: str, course: Course, now: datetime,
            show_reason: bool = False) -> None:
    """Decline with a reason (required) for the leaders. The applicant reads it on their course
    page only when `show_reason` (the leader says it holds no health details); the email only
    says that the answer is in selfhelp."""
    if not (reason or "").strip():
        raise AdmissionError("reason_missing")
    was_admitted = application.state == ApplicationState.ADMITTED
    if not _transition(application, (application.state,) if application.state in ACTIVE else (),
                       ApplicationState.DECLINED, decline_reason=reason.strip(),
                       decline_reason_shown=bool(show_reason), decided_at=now, decided_by_id=actor.id):
        raise AdmissionError("not_pending")
    _audit_decision(actor, application, now)
    enqueue(application.resident_id, "course_declined", f"application:{application.id}", now, now,
            {"cohort_id": application.cohort_id})
    if was_admitted:
        _release_seat(application.cohort_id)
        promote_from_waitlist(application.cohort, course, now)


def withdraw(resident: User, application: Application, course: Course, now: datetime) -> None:
    """The applicant withdraws at any time; a seat they held goes to the next on the list."""
    was_admitted = application.state == ApplicationState.ADMITTED
    if application.resident_id != resident.id or not _transition(
            application, (application.state,) if application.state in ACTIVE else (),
            ApplicationState.WITHDRAWN,
            decided_at=now):
        raise AdmissionError("not_pending")
    if was_admitted:
        _release_seat(application.cohort_id)
        promote_from_waitlist(application.cohort, course, now)


def invite_to_pretalk(actor: User, application: Application, when: datetime, note: str,
                      now: datetime) -> None:
    if application.state not in UNDECIDED:
        raise AdmissionError("not_pending")
    if application.state != ApplicationState.WAITLISTED:
        application.state = ApplicationState.PRETALK
    application.pretalk_at = when
    application.pretalk_note = note
    _audit_decision(actor, application, now)
    enqueue(application.resident_id, "course_pretalk", f"application:{application.id}:{when.isoformat()}",
            now, now, {"cohort_id": application.cohort_id, "when": when.isoformat()})


def confirm_guardian(actor: User, application: Application, course: Course, now: datetime) -> bool:
    """Record the guardian's consent. Returns True if that gave the applicant a seat at once
    (automatic admission, or first in line on the waiting list). A refusal changes nothing."""
    seated = False
    with db.begin_nested():
        application.guardian_confirmed_at = now
        application.guardian_confirmed_by_id = actor.id
        if application.state == "waitlisted":
            seated = application in promote_from_waitlist(application.cohort, course, now)
        elif application.state == "received" and application.cohort.auto_admit:
            _leader_admits(actor, application, course, now)
            seated = application.state == "admitted"
    _audit_decision(actor, application, now)
    return seated


def promote_from_waitlist(cohort: Cohort, course: Course, now: datetime) -> list[Application]:
    """Give free seats to the first eligible people on the waiting list, in order."""
    promoted = []
    waiting = db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                   Application.state == ApplicationState.WAITLISTED)
                         .order_by(Application.waitlist_ticket)).all()
    for application in waiting:
        if not may_be_admitted(application, course):
            continue  # e.g. a 15-year-old without confirmed guardian consent keeps the place
        if not _take_seat(cohort.id):
            break
        if not _transition(application, (ApplicationState.WAITLISTED,), ApplicationState.ADMITTED,
                           offered_at=now, decided_at=now):
            _release_seat(cohort.id)  # someone else changed it meanwhile
            continue
        enqueue(application.resident_id, "course_waitlist_offer", f"application:{application.id}",
                now, now, {"cohort_id": cohort.id})
        promoted.append(application)
    return promoted


def waitlist_positions(*cohort_ids: int) -> dict[int, int]:
    """Application id -> place on its cohort's waiting list (1 = next in line), in one query."""
    place = func.row_number().over(partition_by=Application.cohort_id,
                                   order_by=Application.waitlist_ticket)
    rows = db.execute(select(Application.id, place).where(Application.cohort_id.in_(cohort_ids),
                                                          Application.state == ApplicationState.WAITLISTED))
    return {application_id: position for application_id, position in rows}
