"""The leader register: admins record which staff completed a course-leader training.

Qualifications are never self-declared. An admin records each one with the course date and the
certificate or course number, for staff they manage (see services.can_manage); entries are revoked,
never deleted. Who may lead a course is read from the entries in force (`User.qualification_names`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from selfhelp.accounts.models import QUALIFICATIONS, LeaderRegistration, User
from selfhelp.accounts.services import AccountError, can_manage
from selfhelp.audit.services import record
from selfhelp.db import db

#: Trainings that build on another: a KiB leader must be a registered KiD leader first.
PREREQUISITES: dict[str, tuple[str, ...]] = {"kib_leader": ("kid_leader",)}


def required_qualifications(qualification: str) -> set[str]:
    """Everything a leader needs in the register to lead a course with `qualification`."""
    return {qualification, *PREREQUISITES.get(qualification, ())}


def is_qualified(user: User, qualification: str) -> bool:
    return required_qualifications(qualification) <= user.qualification_names


def _check_actor(actor: User, member: User) -> None:
    if not actor.has_role("admin"):
        raise AccountError("forbidden")
    if member.id == actor.id:
        raise AccountError("own_register")
    if not can_manage(actor, member):
        raise AccountError("outside_scope")


def register(actor: User, member: User, qualification: str, course_date: date,
             certificate_number: str, now: datetime, today: date) -> LeaderRegistration:
    """Record a completed training for `member`. Audited."""
    _check_actor(actor, member)
    if qualification not in QUALIFICATIONS:
        raise AccountError("unknown_qualification")
    if course_date > today:
        raise AccountError("course_date_future")
    certificate_number = (certificate_number or "").strip()
    if not certificate_number:
        raise AccountError("certificate_missing")
    if qualification in member.qualification_names:
        raise AccountError("already_registered")
    if not set(PREREQUISITES.get(qualification, ())) <= member.qualification_names:
        raise AccountError("prerequisite_missing")
    entry = LeaderRegistration(user_id=member.id, qualification=qualification,
                               course_date=course_date, certificate_number=certificate_number,
                               recorded_by_id=actor.id, recorded_at=now)
    member.leader_registrations.append(entry)
    db.flush()
    record(actor, "admin", [None], "leader_register", "create", now, record_id=entry.id)
    return entry


def revoke(actor: User, entry: LeaderRegistration, now: datetime) -> None:
    """End an entry (the person no longer leads that course); it stays in the history. Audited."""
    member = db.get(User, entry.user_id)
    _check_actor(actor, member)
    done = db.execute(update(LeaderRegistration).where(
        LeaderRegistration.id == entry.id, LeaderRegistration.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)).rowcount
    if not done:
        raise AccountError("already_revoked")
    db.expire(entry)
    db.expire(member, ["leader_registrations"])
    record(actor, "admin", [None], "leader_register", "change", now, record_id=entry.id)
