"""Closing an account: identity and contact data go, clinical records stay (pseudonymised) for the
retention period, course places are released and the waiting list moves on.

Retention: a closed account's clinical records are kept for the years the admin set (default
10), then purged (``purge_account``, run by the job in ``privacy/jobs.py``). The audit log is
append-only and stays; so does the emptied user row it points to."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from selfhelp import clock
from selfhelp.accounts import devices
from selfhelp.accounts.models import (
    AccountToken, KeptText, LoginFailure, SessionEndReason, User, UserSession, new_security_stamp,
)
from selfhelp.audit.services import record as audit
from selfhelp.checkins.models import Checkin, FeedbackDraft, GuideAssignment, Message
from selfhelp.content import get_catalogue
from selfhelp.channels.email import delete_mail_files_to
from selfhelp.courses.services import admission, drafts
from selfhelp.courses.models import Application, ApplicationDraft, Attendance, Cohort, CourseSession
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult, RiskFlag, RiskFlagAction
from selfhelp.notifications.models import Notification, NotificationSettings
from selfhelp.pathway.models import AssessmentNote, CarePlan, ReviewDecision
from selfhelp.privacy.models import DEFAULT_RETENTION_YEARS, RetentionSettings
from selfhelp.programs.models import (
    Enrolment, ModuleProgress, QuestionnaireRequest, WorksheetAnswer, WorksheetVersion,
)
from selfhelp.courses.models import CohortState, SessionState
from selfhelp.notifications.models import NotificationState
from selfhelp.programs.models import EnrolmentState

log = logging.getLogger(__name__)

CLOSED_NAME = "Slettet bruker"


class ClosureError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def closed_email(user_id: int) -> str:
    """Email is unique and required; this address can never receive mail (RFC 6761 .invalid)."""
    return f"closed-{user_id}@invalid"


def release_course_places(resident: User, now: datetime) -> int:
    """Withdraw every application that is still going in a cohort that has sessions left, through
    the course rules, so a held seat goes to the next on the waiting list. Returns how many."""
    courses = get_catalogue().courses
    # A course that is over keeps its history as it was ("admitted", with attendance).
    still_running = select(CourseSession.id).where(CourseSession.cohort_id == Cohort.id,
                                                   CourseSession.state != SessionState.CANCELLED,
                                                   CourseSession.ends_at > now).exists()
    applications = db.scalars(select(Application).join(Cohort, Cohort.id == Application.cohort_id)
                              .where(Application.resident_id == resident.id,
                                     Application.state.in_(admission.ACTIVE),
                                     Cohort.state == CohortState.PUBLISHED, still_running)).all()
    withdrawn = 0
    for application in applications:
        course = courses.get(application.cohort.course_code)
        if course is None:  # the course file was removed; nobody can be promoted into it anyway
            log.warning("closing account %s: course %s not in the catalogue", resident.id,
                        application.cohort.course_code)
            continue
        try:
            admission.withdraw(resident, application, course, now)
        except admission.AdmissionError:
            continue  # changed meanwhile (a leader declined it at the same moment)
        withdrawn += 1
    return withdrawn


def close_account(resident: User, now: datetime) -> None:
    """Close a resident's account for good. The caller has checked the password and the
    confirmation; the caller logs the session out (the new security stamp ends every other)."""
    if resident.is_staff:
        raise ClosureError("staff")
    # Claimed with a conditional UPDATE: a double-click closes (and withdraws) once.
    if db.execute(update(User).where(User.id == resident.id, User.closed_at.is_(None))
                  .values(closed_at=now).execution_options(synchronize_session=False)).rowcount != 1:
        raise ClosureError("already_closed")
    release_course_places(resident, now)
    # No guide works with a closed account any more; history rows stay.
    db.execute(update(GuideAssignment).where(GuideAssignment.resident_id == resident.id,
                                             GuideAssignment.ended_at.is_(None))
               .values(ended_at=now).execution_options(synchronize_session=False))
    db.execute(update(Enrolment).where(Enrolment.resident_id == resident.id,
                                       Enrolment.state != EnrolmentState.FINISHED)
               .values(state=EnrolmentState.FINISHED, finished_at=now).execution_options(synchronize_session=False))
    db.execute(update(Notification).where(Notification.recipient_id == resident.id,
                                          Notification.state == NotificationState.PENDING)
               .values(state=NotificationState.CANCELLED).execution_options(synchronize_session=False))
    # A guardian's name and contact are another person's contact data.
    db.execute(update(Application).where(Application.resident_id == resident.id)
               .values(guardian_name=None, guardian_contact=None)
               .execution_options(synchronize_session=False))
    drafts.delete_all_of(resident.id)  # applications never sent: nobody needs them
    for application in db.scalars(select(Application).where(Application.resident_id == resident.id)):
        application.calendar_token = secrets.token_urlsafe(24)  # the calendar link stops working
    db.execute(delete(AccountToken).where(AccountToken.user_id == resident.id))
    db.execute(delete(LoginFailure).where(LoginFailure.email == resident.email))
    audit(resident, "resident", [resident.id], "account", "change", now)
    delete_mail_files_to(resident.email)  # the demo's stored mail, with name and address
    _remove_identity(resident, now)
    db.flush()


def _remove_identity(user: User, now: datetime) -> None:
    user.email = closed_email(user.id)
    user.name = CLOSED_NAME
    user.display_name = None
    user.phone = None
    user.birth_date = None
    user.password_hash = None
    user.email_verified_at = None
    user.last_login_at = None
    user.active = False
    user.closed_at = now
    user.security_stamp = new_security_stamp()
    devices.end_all(user, SessionEndReason.CLOSED, now)
    db.execute(delete(KeptText).where(KeptText.author_id == user.id))


# --- retention: how long, whose time is up, and what goes -----------------------------------------

def retention_years(municipality_code: str | None) -> int:
    """How many years a closed account's clinical records are kept in this municipality."""
    setting = db.get(RetentionSettings, municipality_code) if municipality_code else None
    return setting.retention_years if setting else DEFAULT_RETENTION_YEARS


def set_retention_years(admin: User, years: int) -> None:
    """An admin sets the retention period for every municipality they serve."""
    for code in sorted(admin.municipality_codes):
        setting = db.get(RetentionSettings, code) or RetentionSettings(municipality_code=code)
        setting.retention_years = years
        db.add(setting)
    db.flush()


def due_account_ids(now: datetime, limit: int = 10) -> list[int]:
    """Closed accounts whose retention period has run out, oldest closure first."""
    configured = {s.municipality_code: s.retention_years for s in db.scalars(select(RetentionSettings))}
    groups: dict[int, list[str]] = {}
    for code, years in configured.items():
        groups.setdefault(years, []).append(code)
    conditions = [(User.municipality_code.in_(codes), years) for years, codes in groups.items()]
    # Everyone else (no setting for their municipality, or none recorded) gets the default.
    conditions.append((or_(User.municipality_code.is_(None),
                           User.municipality_code.not_in(sorted(configured))), DEFAULT_RETENTION_YEARS))
    found: list[tuple[datetime, int]] = []
    for where, years in conditions:
        found += db.execute(select(User.closed_at, User.id).where(
            User.closed_at.is_not(None), User.purged_at.is_(None),
            User.closed_at <= clock.years_before(now, years), where)
            .order_by(User.closed_at).limit(limit)).all()
    return [user_id for _closed, user_id in sorted(found)[:limit]]


def purge_account(user_id: int) -> None:
    """Delete every clinical record of one (already claimed) closed account; keep the empty row."""
    enrolments = select(Enrolment.id).where(Enrolment.resident_id == user_id)
    checkins = select(Checkin.id).where(Checkin.resident_id == user_id)
    answers = select(WorksheetAnswer.id).where(WorksheetAnswer.enrolment_id.in_(enrolments))
    applications = select(Application.id).where(Application.resident_id == user_id)
    for statement in (
        delete(Message).where(or_(Message.resident_id == user_id, Message.checkin_id.in_(checkins))),
        delete(FeedbackDraft).where(FeedbackDraft.checkin_id.in_(checkins)),
        delete(Checkin).where(Checkin.resident_id == user_id),
        delete(GuideAssignment).where(GuideAssignment.resident_id == user_id),
        delete(QuestionnaireRequest).where(QuestionnaireRequest.enrolment_id.in_(enrolments)),
        delete(WorksheetVersion).where(WorksheetVersion.answer_id.in_(answers)),
        delete(WorksheetAnswer).where(WorksheetAnswer.enrolment_id.in_(enrolments)),
        delete(ModuleProgress).where(ModuleProgress.enrolment_id.in_(enrolments)),
        delete(Enrolment).where(Enrolment.resident_id == user_id),
        delete(Attendance).where(Attendance.application_id.in_(applications)),
        delete(Application).where(Application.resident_id == user_id),
        delete(ApplicationDraft).where(ApplicationDraft.resident_id == user_id),
        delete(RiskFlagAction).where(RiskFlagAction.flag_id.in_(
            select(RiskFlag.id).where(RiskFlag.resident_id == user_id))),
        delete(RiskFlag).where(RiskFlag.resident_id == user_id),
        delete(AssessmentNote).where(AssessmentNote.resident_id == user_id),
        delete(CarePlan).where(CarePlan.resident_id == user_id),
        delete(ReviewDecision).where(ReviewDecision.resident_id == user_id),
        delete(MeasureResult).where(MeasureResult.resident_id == user_id),
        delete(Notification).where(Notification.recipient_id == user_id),
        delete(NotificationSettings).where(NotificationSettings.user_id == user_id),
        delete(AccountToken).where(AccountToken.user_id == user_id),
        # Ended sessions: when and on which device the person was logged in.
        delete(UserSession).where(UserSession.user_id == user_id),
    ):
        db.execute(statement.execution_options(synchronize_session=False))
    user = db.get(User, user_id)
    if user is not None:
        db.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
        user.municipality_code = None
        user.referral_source = None
        user.gender = None
        user.work_status = None
        user.terms_version = None
        user.terms_accepted_at = None
    db.flush()
