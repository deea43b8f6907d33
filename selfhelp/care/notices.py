"""What the owner chain tells staff, and when (builders and planner, registered in create_app;
planned with the other notices every minute):

- risk_flag: to a new flag's (or task's) owner — the guide on duty, the cohort's leaders or the
  municipality's admins;
- risk_escalation: when an open flag's time is up it moves ONE step up the chain
  (guide -> leaders, if any -> admins) and its new owners are told;
- risk_reminder: at team level there is no step left, so every working morning at 08:00 each
  admin gets one reminder with how many flags and tasks are still open: a digest, not a mail
  per flag. A flag never ends with nobody.
Emails say only that something needs follow-up: no names, no scores. The escalation step itself
runs in the planner, so a flag's move up the chain and the notice to its new owners are one
transaction: nobody is ever made owner without being told.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from selfhelp.accounts.models import StaffMunicipality
from selfhelp.care.chain import admins_of, ensure_owner, recipients
from selfhelp.care.services import escalate
from selfhelp.clock import local, wall_clock
from selfhelp.db import db
from selfhelp.measures.models import OwnerLevel, RiskFlag
from selfhelp.notifications.kinds import Gone, link
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Registry
from selfhelp.notifications.services import Planned, enqueue_many
from selfhelp.clock import is_working_day, next_working_morning

#: Flags raised longer ago than this are not announced any more (they stay on the lists).
FLAG_LOOKBACK = timedelta(days=14)
REMINDER_TIME = time(8, 0)


# ------------------------------------------------------------------ builders

def _open_flag(session: Session, n: Notification) -> RiskFlag:
    flag = session.get(RiskFlag, n.context.get("flag_id"))
    if flag is None or flag.state != "open":
        raise Gone("flag acknowledged")
    return flag


def _flag_link(n: Notification) -> str:
    """The owner's list: the guide's queue, else the page of open flags (leaders and admins)."""
    return link("checkins.index") if n.context.get("to") == "guide" else link("care.open_flags")


def _risk_flag(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    _open_flag(session, n)
    return {"link": _flag_link(n)}


def _risk_escalation(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    _open_flag(session, n)
    return {"link": _flag_link(n)}


def _risk_reminder(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    count = session.scalar(select(func.count(RiskFlag.id)).join(
        StaffMunicipality, StaffMunicipality.municipality_code == RiskFlag.municipality_code).where(
        StaffMunicipality.user_id == n.recipient_id, RiskFlag.state == "open",
        RiskFlag.owner_level == "team"))
    if not count:
        raise Gone("every open flag was followed up")
    return {"link": link("care.open_flags"), "count": count}


# ------------------------------------------------------------------ planner


def first_notices_due(now: datetime) -> list[Planned]:
    flags = list(db.scalars(select(RiskFlag).where(
        RiskFlag.state == "open", RiskFlag.escalations == 0,
        RiskFlag.raised_at > now - FLAG_LOOKBACK, RiskFlag.raised_at <= now)))
    for flag in flags:
        ensure_owner(flag, now)
    to = recipients(flags, now)
    return [Planned(r, "risk_flag", f"flag:{f.id}", f.raised_at, {"flag_id": f.id, "to": f.owner_level})
            for f in flags for r in to[f.id]]


def escalations_due(now: datetime) -> list[Planned]:
    """Move every flag whose time is up one step, and tell the new owners."""
    due = list(db.scalars(select(RiskFlag).where(
        RiskFlag.state == "open", RiskFlag.escalation_due_at <= now,
        RiskFlag.owner_level.in_([OwnerLevel.GUIDE.value, OwnerLevel.COURSE_LEADER.value]))
        .order_by(RiskFlag.escalation_due_at, RiskFlag.id)))
    moved = []
    for flag in due:
        was_due = flag.escalation_due_at
        if escalate(flag, now) is not None:
            moved.append((flag, was_due))
    to = recipients([f for f, _due in moved], now)
    return [Planned(r, "risk_escalation", f"flag:{f.id}:{f.owner_level}", was_due,
                    {"flag_id": f.id, "to": f.owner_level})
            for f, was_due in moved for r in to[f.id]]


def open_at_team_level(codes: set[str], before: datetime | None = None) -> int:
    query = select(func.count(RiskFlag.id)).where(
        RiskFlag.state == "open", RiskFlag.owner_level == OwnerLevel.TEAM.value,
        RiskFlag.municipality_code.in_(sorted(codes)))
    if before is not None:
        query = query.where(RiskFlag.owner_since < before)
    return db.scalar(query) or 0


def team_reminders_due(now: datetime) -> list[Planned]:
    """One reminder per admin per working morning while team-level flags stay open."""
    today = local(now).date()
    at = wall_clock(today, REMINDER_TIME)
    if not is_working_day(today) or now < at:
        return []
    counts = dict(db.execute(select(RiskFlag.municipality_code, func.count(RiskFlag.id)).where(
        RiskFlag.state == "open", RiskFlag.owner_level == OwnerLevel.TEAM.value,
        RiskFlag.owner_since < at).group_by(RiskFlag.municipality_code)).all())
    per_admin: dict[int, int] = {}
    for code, admins in admins_of({c for c in counts if c}).items():
        for admin in admins:
            per_admin[admin] = per_admin.get(admin, 0) + counts[code]
    # The next reminder is tomorrow morning (working days): what the lists show as "goes on".
    db.execute(update(RiskFlag).where(
        RiskFlag.state == "open", RiskFlag.owner_level == OwnerLevel.TEAM.value,
        RiskFlag.escalation_due_at <= now).values(escalation_due_at=next_working_morning(now))
        .execution_options(synchronize_session=False))
    return [Planned(admin, "risk_reminder", f"open-flags:{today}", at, {"count": count})
            for admin, count in per_admin.items()]


def plan_care_notices(now: datetime) -> int:
    planned = first_notices_due(now) + escalations_due(now) + team_reminders_due(now)
    return enqueue_many(planned, now)


def register(notices: Registry) -> None:
    notices.add_builders({
        "risk_flag": _risk_flag,
        "risk_escalation": _risk_escalation,
        "risk_reminder": _risk_reminder,
    })
    notices.add_planner("risk flags and escalations", plan_care_notices)
