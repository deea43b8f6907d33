"""Retention: a closed account's clinical records are kept for the years the admin set (default
10), then deleted by a scheduled job. The audit log is append-only and stays; so does the emptied
user row it points to.

Like every job: select what is due, claim one account with a conditional UPDATE (so two
schedulers never purge the same account twice), delete, commit, and take the next.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from sqlalchemy import delete, or_, select, update

from selfhelp import clock
from selfhelp.accounts.models import AccountToken, LoginFailure, User
from selfhelp.checkins.models import Checkin, FeedbackDraft, GuideAssignment, Message
from selfhelp.courses.models import Application, Attendance
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult, RiskFlag, RiskFlagAction
from selfhelp.notifications.models import Notification
from selfhelp.pathway.models import AssessmentNote, CarePlan, ReviewDecision
from selfhelp.privacy.models import DEFAULT_RETENTION_YEARS, RetentionSettings
from selfhelp.programs.models import (
    Enrolment, ModuleProgress, QuestionnaireRequest, WorksheetAnswer, WorksheetVersion,
)

log = logging.getLogger(__name__)


def retention_years(municipality_code: str | None) -> int:
    setting = db.get(RetentionSettings, municipality_code) if municipality_code else None
    return setting.retention_years if setting else DEFAULT_RETENTION_YEARS


def set_retention_years(municipality_codes: list[str], years: int) -> None:
    for code in municipality_codes:
        setting = db.get(RetentionSettings, code) or RetentionSettings(municipality_code=code)
        setting.retention_years = years
        db.add(setting)
    db.flush()


def years_before(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


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
            User.closed_at <= years_before(now, years), where)
            .order_by(User.closed_at).limit(limit)).all()
    return [user_id for _closed, user_id in sorted(found)[:limit]]


def _claim(user_id: int, now: datetime) -> bool:
    return db.execute(update(User).where(User.id == user_id, User.closed_at.is_not(None),
                                         User.purged_at.is_(None))
                      .values(purged_at=now).execution_options(synchronize_session=False)).rowcount == 1


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
        delete(RiskFlagAction).where(RiskFlagAction.flag_id.in_(
            select(RiskFlag.id).where(RiskFlag.resident_id == user_id))),
        delete(RiskFlag).where(RiskFlag.resident_id == user_id),
        delete(AssessmentNote).where(AssessmentNote.resident_id == user_id),
        delete(CarePlan).where(CarePlan.resident_id == user_id),
        delete(ReviewDecision).where(ReviewDecision.resident_id == user_id),
        delete(MeasureResult).where(MeasureResult.resident_id == user_id),
        delete(Notification).where(Notification.recipient_id == user_id),
        delete(AccountToken).where(AccountToken.user_id == user_id),
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


def purge_next(now: datetime) -> int | None:
    """Purge one closed account whose retention ran out; its id, or None when nothing is due."""
    for user_id in due_account_ids(now):
        if _claim(user_id, now):
            purge_account(user_id)
            return user_id
    return None


def purge_everything_due(now: Callable[[], datetime], stop: Callable[[], bool] | None = None) -> int:
    """Purge due accounts one transaction each until none is left; how many were purged."""
    purged = 0
    while not (stop and stop()):
        try:
            user_id = purge_next(now())
            db.commit()
        except Exception:
            db.rollback()
            raise
        if user_id is None:
            break
        log.info("privacy: purged the clinical records of closed account %s", user_id)
        purged += 1
    return purged


def purge_closed_accounts_job(app: Flask, stop: threading.Event) -> None:
    with app.app_context():
        purge_everything_due(clock.now, stop=stop.is_set)
