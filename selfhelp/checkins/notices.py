"""What the guide domain tells whom, and when (registered in create_app).

- new_message: to a resident, when the guide writes (services);
- checkin_waiting: to the guide, when a resident sends a check-in (services.submit_checkin);
- feedback_overdue: one digest a working day at 08:00 per guide with overdue feedback, never one
  mail per resident (the planner below).
A guide who is away gets none of these: the guide covering for them does. Risk flags and their
escalations are planned by selfhelp.care.notices (the owner chain).
"""
from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selfhelp.checkins.access import on_duty
from selfhelp.checkins.models import Checkin, CheckinState, GuideAssignment
from selfhelp.clock import local, wall_clock
from selfhelp.db import db
from selfhelp.notifications.kinds import Gone, link
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Registry
from selfhelp.notifications.services import Planned, enqueue_many
from selfhelp.clock import is_working_day

DIGEST_TIME = time(8, 0)


def _new_message(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("checkins_resident.messages")}


def _checkin_waiting(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    checkin = session.get(Checkin, n.context.get("checkin_id"))
    if checkin is None or checkin.state != "submitted":
        raise Gone("feedback given already")
    return {"link": link("checkins.index")}


def _feedback_overdue(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("checkins.index"), "count": n.context.get("count", 0)}


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
        .where(Checkin.state == CheckinState.SUBMITTED, Checkin.feedback_due_at < at)
        .group_by(GuideAssignment.guide_id)).all()
    duty = on_duty({guide_id for guide_id, _n in counts}, today)
    per_recipient: dict[int, int] = {}
    for guide_id, count in counts:
        per_recipient[duty[guide_id]] = per_recipient.get(duty[guide_id], 0) + count
    return [Planned(recipient, "feedback_overdue", f"overdue:{today}", at, {"count": count})
            for recipient, count in per_recipient.items()]


def plan_guide_notices(now: datetime) -> int:
    return enqueue_many(overdue_digests_due(now), now)


def register(notices: Registry) -> None:
    notices.add_builders({
        "new_message": _new_message,
        "checkin_waiting": _checkin_waiting,
        "feedback_overdue": _feedback_overdue,
    })
    notices.add_planner("guide notices", plan_guide_notices)
