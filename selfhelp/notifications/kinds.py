"""What each kind of notification says: one small context builder per kind.

A builder turns the ids stored on the outbox row into what templates/emails/<kind>.* shows: a
date and a time in Europe/Oslo wall-clock time and a link to the page in selfhelp. Never a course
name (KiD/KiB/DU name a diagnosis), a place, a reason, a score or message text: a mail or text
message may be read by others, so it only says that something is waiting behind the login.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_date, gettext
from sqlalchemy.orm import Session

from selfhelp.clock import OSLO, local, wall_clock
from sqlalchemy import func, select

from selfhelp.accounts.models import StaffMunicipality
from selfhelp.checkins.models import Checkin
from selfhelp.courses.models import Application, Cohort, CourseSession
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.notifications.models import Notification
from selfhelp.programs.models import Enrolment


class Gone(Exception):
    """What the notification is about no longer exists or was superseded: nothing to send."""


class UnknownKind(Exception):
    """No builder and templates for this kind: a programming error, retrying will not help."""


Builder = Callable[[Session, Notification, datetime], dict[str, Any]]


def link(endpoint: str, **values: Any) -> str:
    """An absolute link from BASE_URL; works in the scheduler, where there is no request."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def when(instant: datetime) -> dict[str, str]:
    """Date and time as shown in Norway, whatever the season (the instant is stored in UTC)."""
    wall = local(instant)
    return {"date": format_date(wall.date(), "full"), "time": wall.strftime("%H:%M")}


def _day(instant: datetime, now: datetime) -> str:
    """ "i dag", "i morgen" or the date: reminders read naturally."""
    day, today = local(instant).date(), local(now).date()
    if day == today:
        return gettext("i dag")
    if day == today + timedelta(days=1):
        return gettext("i morgen")
    return format_date(day, "full")


def _cohort(session: Session, n: Notification) -> Cohort:
    cohort = session.get(Cohort, n.context.get("cohort_id"))
    if cohort is None:
        raise Gone("cohort deleted")
    return cohort


def _course_session(session: Session, n: Notification) -> CourseSession:
    course_session = session.get(CourseSession, n.context.get("session_id"))
    if course_session is None:
        raise Gone("session deleted")
    # occurrence "session:12:v3": a later change already has its own notice, so this one would
    # only tell an outdated time (no spam, no contradictions).
    version = n.occurrence.rpartition(":v")[2]
    if version.isdigit() and course_session.sequence > int(version):
        raise Gone("superseded by a later change")
    return course_session


def _next_session(cohort: Cohort, now: datetime) -> dict[str, str]:
    upcoming = [s for s in cohort.sessions if s.state == "scheduled" and s.starts_at > now]
    return when(min(upcoming, key=lambda s: s.starts_at).starts_at) if upcoming else {}


def _seat(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cohort = _cohort(session, n)
    if cohort.state == "cancelled":
        raise Gone("cohort cancelled; the cancellation notice says so")
    return {"link": link("courses.mine"), **_next_session(cohort, now)}


def _declined(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    _cohort(session, n)
    return {"link": link("courses.mine")}  # the leader's reason stays behind the login


def _pretalk(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    if _cohort(session, n).state == "cancelled":
        raise Gone("cohort cancelled")
    moment = datetime.fromisoformat(n.context["when"])
    if moment.tzinfo is None:  # a wall-clock time as typed by the leader
        moment = moment.replace(tzinfo=OSLO)
    # occurrence "application:7:<when>": a new time for the talk comes with its own notice.
    application_id = n.occurrence.split(":")[1]
    application = (session.get(Application, int(application_id))
                   if application_id.isdigit() else None)
    if application is not None and application.pretalk_at not in (None, moment):
        raise Gone("the pre-talk was moved since")
    return {"link": link("courses.mine"), **when(moment)}


def _moved(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    moved = _course_session(session, n)
    if moved.state == "cancelled":
        raise Gone("session cancelled since")
    old: date | None = moved.moved_from
    return {"link": link("courses.mine"), **when(moved.starts_at),
            "old_date": format_date(old, "full") if old else "", "soon_at": _soonest(moved, old)}


def _soonest(moved: CourseSession, old_day: date | None) -> datetime:
    """For quiet hours: the earlier of the new time and the old day (same clock time)."""
    if old_day is None:
        return moved.starts_at
    old = wall_clock(old_day, local(moved.starts_at).time().replace(tzinfo=None))
    return min(old, moved.starts_at)


def _session_cancelled(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cancelled = _course_session(session, n)
    return {"link": link("courses.mine"), **when(cancelled.starts_at), "soon_at": cancelled.starts_at}


def _cohort_cancelled(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    cohort = _cohort(session, n)
    first = min((s.starts_at for s in cohort.sessions), default=None)
    upcoming = min((s.starts_at for s in cohort.sessions if s.starts_at > now), default=None)
    return {"link": link("courses.index"), **(when(first) if first else {}), "soon_at": upcoming}


def _reminder(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    upcoming = _course_session(session, n)
    if upcoming.state == "cancelled" or upcoming.starts_at <= now:
        raise Gone("cancelled or already started")
    return {"link": link("courses.mine"), "day": _day(upcoming.starts_at, now),
            **when(upcoming.starts_at)}


def _new_message(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("checkin.messages")}


# ------------------------------------------------------------------ programs
# Links go to the dashboard, never to a program page: its address names the program.

def _active_enrolment(session: Session, n: Notification) -> Enrolment:
    enrolment = session.get(Enrolment, n.context.get("enrolment_id"))
    if enrolment is None or enrolment.state != "active":
        raise Gone("enrolment paused, finished or gone")
    return enrolment


def _module_available(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    enrolment = _active_enrolment(session, n)
    if any(p.completed_at for p in enrolment.progress
           if p.module_slug == n.context.get("module_slug")):
        raise Gone("module already done")
    return {"link": link("pages.dashboard")}


def _answered(session: Session, enrolment: Enrolment, occasion: str) -> bool:
    return session.scalar(select(MeasureResult.id).where(
        MeasureResult.resident_id == enrolment.resident_id,
        MeasureResult.context == f"program:{enrolment.program_slug}",
        MeasureResult.occasion == occasion).limit(1)) is not None


def _questionnaire_due(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    enrolment = _active_enrolment(session, n)
    if _answered(session, enrolment, n.context.get("occasion", "")):
        raise Gone("already answered")
    return {"link": link("pages.dashboard")}


def _followup_due(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    enrolment = session.get(Enrolment, n.context.get("enrolment_id"))
    if enrolment is None or enrolment.state == "paused":
        raise Gone("enrolment paused or gone")
    if _answered(session, enrolment, n.context.get("occasion", "")):
        raise Gone("already answered")
    return {"link": link("pages.dashboard"), "months": n.context.get("months")}


def _nudge(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    enrolment = _active_enrolment(session, n)
    last = enrolment.last_activity_at or enrolment.started_at
    if last.isoformat() != n.context.get("since"):
        raise Gone("the resident has been active since")
    return {"link": link("pages.dashboard")}


# ------------------------------------------------------------------ guides and admins

def _checkin_waiting(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    checkin = session.get(Checkin, n.context.get("checkin_id"))
    if checkin is None or checkin.state != "submitted":
        raise Gone("feedback given already")
    return {"link": link("guide.index")}


def _feedback_overdue(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("guide.index"), "count": n.context.get("count", 0)}


def _open_flag(session: Session, n: Notification) -> RiskFlag:
    flag = session.get(RiskFlag, n.context.get("flag_id"))
    if flag is None or flag.state != "open":
        raise Gone("flag acknowledged")
    return flag


def _flag_link(n: Notification) -> str:
    """The owner's list: the guide's queue, else the page of open flags (leaders and admins)."""
    return link("guide.index") if n.context.get("to") == "guide" else link("care.open_flags")


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


def _daily_digest(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("notifications.centre_page"), "count": n.context.get("count", 0)}


BUILDERS: dict[str, Builder] = {
    "course_admitted": _seat,
    "course_waitlist_offer": _seat,
    "course_declined": _declined,
    "course_pretalk": _pretalk,
    "session_moved": _moved,
    "session_cancelled": _session_cancelled,
    "cohort_cancelled": _cohort_cancelled,
    "session_reminder": _reminder,
    "session_reminder_2h": _reminder,
    "new_message": _new_message,
    "module_available": _module_available,
    "questionnaire_due": _questionnaire_due,
    "followup_due": _followup_due,
    "activity_nudge": _nudge,
    "checkin_waiting": _checkin_waiting,
    "feedback_overdue": _feedback_overdue,
    "risk_flag": _risk_flag,
    "risk_escalation": _risk_escalation,
    "risk_reminder": _risk_reminder,
    "daily_digest": _daily_digest,
}


def build_context(session: Session, n: Notification, first_name: str,
                  now: datetime) -> dict[str, Any]:
    """The template context for one notification (call inside force_locale for the dates)."""
    builder = BUILDERS.get(n.kind)
    if builder is None:
        raise UnknownKind(n.kind)
    return {"name": first_name, **builder(session, n, now)}
