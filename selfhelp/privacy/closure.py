"""Closing an account: identity and contact data go, clinical records stay (pseudonymised) for the
retention period, course places are released and the waiting list moves on."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import delete, select, update

from selfhelp.accounts import devices
from selfhelp.accounts.models import (
    AccountToken, KeptText, LoginFailure, SessionEndReason, User, new_security_stamp,
)
from selfhelp.audit.services import record as audit
from selfhelp.checkins.models import GuideAssignment
from selfhelp.content import get_catalogue
from selfhelp.notifications.email import delete_mail_files_to
from selfhelp.courses import admission
from selfhelp.courses.models import Application, Cohort, CourseSession
from selfhelp.db import db
from selfhelp.notifications.models import Notification
from selfhelp.programs.models import Enrolment

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
                                                   CourseSession.state != "cancelled",
                                                   CourseSession.ends_at > now).exists()
    applications = db.scalars(select(Application).join(Cohort, Cohort.id == Application.cohort_id)
                              .where(Application.resident_id == resident.id,
                                     Application.state.in_(admission.ACTIVE),
                                     Cohort.state == "published", still_running)).all()
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
                                       Enrolment.state != "finished")
               .values(state="finished", finished_at=now).execution_options(synchronize_session=False))
    db.execute(update(Notification).where(Notification.recipient_id == resident.id,
                                          Notification.state == "pending")
               .values(state="cancelled").execution_options(synchronize_session=False))
    # A guardian's name and contact are another person's contact data.
    db.execute(update(Application).where(Application.resident_id == resident.id)
               .values(guardian_name=None, guardian_contact=None)
               .execution_options(synchronize_session=False))
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
