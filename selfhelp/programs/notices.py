"""What the program domain tells residents, and when: the notices that keep people going
(builders and planner, registered in create_app).

- module_available: a weekly program's next module opened (09:00 Oslo on the day it opens);
- questionnaire_due: the weekly questionnaire, in weeks where no module opens (one notice a week);
- followup_due: the follow-up questionnaire at each of the program's ``followup_months`` after it
  ended (e.g. 3, 6 and 12 months);
- activity_nudge: 7 and 14 days without activity, then nothing more until the person is back.
Never to a paused resident; nudges and weekly notices never to a finished one. Each notice is
checked again when it is sent (the builders below), so a pause or a visit in between wins.
Links go to the dashboard, never to a program page: its address names the program.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from selfhelp.accounts.models import User
from selfhelp.clock import local, wall_clock
from selfhelp.content import get_catalogue
from selfhelp.content.model import Program
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult
from selfhelp.notifications.kinds import Gone, link
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Registry
from selfhelp.notifications.services import Planned, enqueue_many
from selfhelp.programs.models import Enrolment, EnrolmentState
from selfhelp.programs.schedule import add_months, end_date

NOTICE_TIME = time(9, 0)
#: Notices older than this when planning (the scheduler was down) are not sent any more.
LOOKBACK = timedelta(days=2)
NUDGE_DAYS = (7, 14)


# ------------------------------------------------------------------ builders

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


# ------------------------------------------------------------------ planner


def _weekly_notices(program: Program, e, ctx: dict) -> Iterator[tuple[str, str, date, dict]]:
    """(kind, occurrence suffix, day, context) for every module opening and weekly questionnaire."""
    opening_days = set()
    if program.unlock == "weekly":
        for module in program.modules:
            if module.number >= 2 and module.number > (e.unlocked_through or 1):
                # A pause moved the day: a new occurrence, as the one planned before is gone.
                delay = e.pause_days or 0
                day = e.start_date + timedelta(weeks=module.number - 1, days=delay)
                opening_days.add(day)
                suffix = f"module:{module.number}" + (f":after-pause-{delay}" if delay else "")
                yield ("module_available", suffix, day,
                       {**ctx, "module_slug": module.slug})
    if any("weekly" in plan.when for plan in program.measures):
        weeks, end = program.weeks + (e.extra_weeks or 0), end_date(program, e)
        for week in range(1, weeks):
            day = e.start_date + timedelta(weeks=week)
            if day < end and day not in opening_days:
                yield "questionnaire_due", f"week:{week}", day, {**ctx, "occasion": f"week-{week}"}


def _followups(program: Program, e, ctx: dict) -> Iterator[tuple[str, str, date, dict]]:
    if any("followup" in plan.when for plan in program.measures):
        end = end_date(program, e)
        for months in program.followup_months:
            yield ("followup_due", f"followup:{months}", add_months(end, months),
                   {**ctx, "occasion": f"followup-{months}", "months": months})


def followup_horizon(programs) -> timedelta:
    """How long after finishing a program its follow-up notices may still fall due: the longest
    follow-up any program asks for (e.g. 12 months), plus a margin for short months."""
    longest = max((m for p in programs.values() for m in p.followup_months), default=0)
    return max(timedelta(days=200), timedelta(days=31 * longest + 14))


def notices_due(now: datetime) -> list[Planned]:
    programs = get_catalogue().programs
    rows = db.execute(
        select(Enrolment.id, Enrolment.resident_id, Enrolment.program_slug, Enrolment.state,
               Enrolment.start_date, Enrolment.started_at, Enrolment.finished_at,
               Enrolment.unlocked_through, Enrolment.extra_weeks, Enrolment.pause_days,
               Enrolment.last_activity_at)
        .join(User, User.id == Enrolment.resident_id)
        .where(User.active.is_(True),
               or_(Enrolment.state == EnrolmentState.ACTIVE,
                   (Enrolment.state == EnrolmentState.FINISHED)
                   & (Enrolment.finished_at > now - followup_horizon(programs)))))
    planned = []
    for e in rows:
        program = programs.get(e.program_slug)
        if program is None:
            continue
        ctx = {"enrolment_id": e.id}
        dated = list(_followups(program, e, ctx))
        if e.state == EnrolmentState.ACTIVE:
            dated += list(_weekly_notices(program, e, ctx))
        notice_days = set()
        for kind, suffix, day, context in dated:
            at = wall_clock(day, NOTICE_TIME)
            if kind != "followup_due":
                notice_days.add(day)
            if now - LOOKBACK < at <= now:
                planned.append(Planned(e.resident_id, kind, f"enrolment:{e.id}:{suffix}", at, context))
        if e.state == EnrolmentState.ACTIVE:
            planned += _nudges(e, now, notice_days)
    return planned


def _nudges(e, now: datetime, notice_days: set[date]) -> list[Planned]:
    """No nudge on a day that already brings a module or questionnaire notice."""
    since = e.last_activity_at or e.started_at
    found = []
    for days in NUDGE_DAYS:
        at = since + timedelta(days=days)
        if now - LOOKBACK < at <= now and local(at).date() not in notice_days:
            found.append(Planned(e.resident_id, "activity_nudge",
                                 f"enrolment:{e.id}:idle:{since:%Y%m%dT%H%M%S}:{days}", at,
                                 {"enrolment_id": e.id, "since": since.isoformat()}))
    return found


def plan_program_notices(now: datetime) -> int:
    return enqueue_many(notices_due(now), now)


def register(notices: Registry) -> None:
    notices.add_builders({
        "module_available": _module_available,
        "questionnaire_due": _questionnaire_due,
        "followup_due": _followup_due,
        "activity_nudge": _nudge,
    })
    notices.add_planner("program notices", plan_program_notices)
