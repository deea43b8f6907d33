"""Which residents a guide may see: those assigned to them, and those of a guide they cover."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select

from selfhelp.accounts.models import User
from selfhelp.checkins.models import GuideAbsence, GuideAssignment
from selfhelp.db import db


def covered_guide_ids(guide: User, today: date):
    """Guides this person covers today (a subquery)."""
    return select(GuideAbsence.guide_id).where(GuideAbsence.cover_id == guide.id,
                                               GuideAbsence.starts_on <= today,
                                               GuideAbsence.ends_on >= today)


def visible_assignments(guide: User, today: date):
    """Current assignments the guide works on: their own, and those of guides they cover."""
    return select(GuideAssignment).where(
        GuideAssignment.ended_at.is_(None),
        or_(GuideAssignment.guide_id == guide.id,
            GuideAssignment.guide_id.in_(covered_guide_ids(guide, today))))


def may_see(guide: User, resident_id: int, today: date) -> bool:
    found = db.scalar(visible_assignments(guide, today)
                      .where(GuideAssignment.resident_id == resident_id).limit(1))
    return found is not None


def current_assignment(enrolment_id: int) -> GuideAssignment | None:
    return db.scalar(select(GuideAssignment).where(and_(GuideAssignment.enrolment_id == enrolment_id,
                                                        GuideAssignment.ended_at.is_(None))))


def on_duty(guide_ids: set[int], today: date) -> dict[int, int]:
    """guide id -> who takes their notices today (the cover during an absence)."""
    covers = dict(db.execute(select(GuideAbsence.guide_id, GuideAbsence.cover_id).where(
        GuideAbsence.guide_id.in_(guide_ids), GuideAbsence.starts_on <= today,
        GuideAbsence.ends_on >= today)).all()) if guide_ids else {}
    return {guide_id: covers.get(guide_id, guide_id) for guide_id in guide_ids}
