"""Scheduled work of the guide domain: notices to guides about check-ins and overdue feedback.

- checkin_waiting is added when a resident sends a check-in (services.submit_checkin);
- feedback_overdue: one digest a working day at 08:00 per guide with overdue feedback, never one
  mail per resident;
A guide who is away gets none of these: the guide covering for them does. Risk flags and their
escalations are planned by selfhelp.care.jobs (the owner chain).
"""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select

from selfhelp.checkins.access import on_duty
from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.clock import local, wall_clock
from selfhelp.db import db
from selfhelp.notifications.services import Planned, enqueue_many
from selfhelp.worktime import is_working_day

DIGEST_TIME = time(8, 0)


def overdue_digests_due(now: datetime) -> list[Planned]:
    today = local(now).date()
    at = wall_clock(today, DIGEST_TIME)
    if not is_working_day(today) or now < at:
        return []
    counts = db.execute(
        select(GuideAssignment.guide_id, func.count(Checkin.id))
        .join(GuideAssignment, (GuideAssignment.enrolment_id == Checkin.enrolment_id)
              & GuideAssignment.ended_at.is_(None))
        # Overdue as of this morning: the digest says the same whenever in the day it is planned.
        .where(Checkin.state == "submitted", Checkin.feedback_due_at < at)
        .group_by(GuideAssignment.guide_id)).all()
    duty = on_duty({guide_id for guide_id, _n in counts}, today)
    per_recipient: dict[int, int] = {}
    for guide_id, count in counts:
        per_recipient[duty[guide_id]] = per_recipient.get(duty[guide_id], 0) + count
    return [Planned(recipient, "feedback_overdue", f"overdue:{today}", at, {"count": count})
            for recipient, count in per_recipient.items()]


def plan_guide_notices(now: datetime) -> int:
    return enqueue_many(overdue_digests_due(now), now)
