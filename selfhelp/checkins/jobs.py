"""Scheduled work of the guide domain: notices to guides and escalations to admins.

- checkin_waiting is added when a resident sends a check-in (services.submit_checkin);
- feedback_overdue: one digest a working day at 08:00 per guide with overdue feedback, never one
  mail per resident;
- risk_flag: to the resident's guide (to the municipality's admins when there is no guide);
- risk_escalation: to the municipality's admins when a flag is still open at escalation_due_at.
A guide who is away gets none of these: the guide covering for them does.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from selfhelp.accounts.models import StaffMunicipality, User, UserRole
from selfhelp.checkins.access import on_duty
from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.clock import local, wall_clock
from selfhelp.db import db
from selfhelp.measures.models import RiskFlag
from selfhelp.notifications.services import Planned, enqueue_many
from selfhelp.worktime import is_working_day

DIGEST_TIME = time(8, 0)
#: Flags raised longer ago than this are not announced any more (they show in the guide's list).
FLAG_LOOKBACK = timedelta(days=14)


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


def _admins_by_municipality(codes: set[str]) -> dict[str, list[int]]:
    if not codes:
        return {}
    rows = db.execute(select(StaffMunicipality.municipality_code, User.id)
                      .join(User, User.id == StaffMunicipality.user_id)
                      .join(UserRole, UserRole.user_id == User.id)
                      .where(UserRole.role == "admin", User.active.is_(True),
                             StaffMunicipality.municipality_code.in_(codes)))
    found: dict[str, list[int]] = {}
    for code, user_id in rows:
        found.setdefault(code, []).append(user_id)
    return found


def risk_notices_due(now: datetime) -> list[Planned]:
    flags = db.execute(
        select(RiskFlag.id, RiskFlag.raised_at, RiskFlag.escalation_due_at,
               User.municipality_code, GuideAssignment.guide_id)
        .join(User, User.id == RiskFlag.resident_id)
        .outerjoin(GuideAssignment, (GuideAssignment.resident_id == RiskFlag.resident_id)
                   & GuideAssignment.ended_at.is_(None))
        .where(RiskFlag.state == "open", RiskFlag.raised_at > now - FLAG_LOOKBACK,
               RiskFlag.raised_at <= now)).all()
    admins = _admins_by_municipality({f.municipality_code for f in flags if f.municipality_code})
    duty = on_duty({f.guide_id for f in flags if f.guide_id}, local(now).date())
    planned = []
    for f in flags:
        occurrence, context = f"flag:{f.id}", {"flag_id": f.id}
        to_admins = admins.get(f.municipality_code or "", [])
        if f.guide_id:
            planned.append(Planned(duty[f.guide_id], "risk_flag", occurrence, f.raised_at,
                                   {**context, "to": "guide"}))
        else:
            planned += [Planned(a, "risk_flag", occurrence, f.raised_at, {**context, "to": "admin"})
                        for a in to_admins]
        if f.escalation_due_at is not None and f.escalation_due_at <= now:
            planned += [Planned(a, "risk_escalation", occurrence, f.escalation_due_at, context)
                        for a in to_admins]
    return planned


def plan_guide_notices(now: datetime) -> int:
    return enqueue_many(overdue_digests_due(now) + risk_notices_due(now), now)
