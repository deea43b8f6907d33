"""Guide workload in SQL: check-ins handled, feedback turnaround in working hours, minutes per
resident-week, late and overdue check-ins, risk flags and time to acknowledgement.

Working hours (08:00–16:00 Europe/Oslo on working days, see selfhelp.clock) are counted in the
database with a small calendar table (one row per day of the period and the 120 days before it,
whatever the data size): for each UTC date, its working hours as UTC instants and the working
seconds of all days before it. Working hours never cross UTC midnight (they are 06:00–15:00 UTC
all year), so the working time up to an instant t is ``before + clamp(t − start, 0, end − start)``
of t's UTC date, and a turnaround is the difference of two such lookups: two equality joins per
check-in instead of a range join over every day.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import (
    Date, Float, String, and_, case, cast, column, func, literal, or_, select, union_all, values,
)

from selfhelp.accounts.models import Role, User
from selfhelp.checkins.models import Checkin, CheckinState, GuideAssignment
from selfhelp.clock import OSLO
from selfhelp.db import UTCDateTime, db
from selfhelp.measures.models import FlagKind, FlagState, OwnerLevel, RiskFlag
from selfhelp.reports.scope import Period, Scope
from selfhelp.reports.sql import dialect_name, percentiles, seconds_between
from selfhelp.clock import DAY_ENDS, DAY_STARTS, is_working_day

#: Check-ins answered in the period may have come in this long before it (older ones are left
#: out of the turnaround figures).
LOOKBACK = timedelta(days=120)
HOUR = 3600.0


def calendar_rows(first: date, last: date) -> list[tuple[date, datetime, datetime, float]]:
    """(UTC date, working hours start, end, working seconds before that day) for each day."""
    rows, before, day = [], 0.0, first
    while day <= last:
        if is_working_day(day):
            starts = datetime.combine(day, DAY_STARTS, tzinfo=OSLO).astimezone(timezone.utc)
            ends = datetime.combine(day, DAY_ENDS, tzinfo=OSLO).astimezone(timezone.utc)
        else:
            starts = ends = datetime.combine(day, time(0), tzinfo=timezone.utc)
        rows.append((day, starts, ends, before))
        before += (ends - starts).total_seconds()
        day += timedelta(days=1)
    return rows


def _utc_date(instant):
    if dialect_name() == "sqlite":
        return func.date(instant)  # stored as naive UTC text
    return cast(func.timezone("UTC", instant), Date)


def _working_seconds_until(instant, day):
    """Working seconds from the calendar's first day up to ``instant`` (``day`` is its row)."""
    return day.c.before + case(
        (instant <= day.c.ws, 0.0),
        (instant >= day.c.we, seconds_between(day.c.we, day.c.ws)),
        else_=seconds_between(instant, day.c.ws))


def _checkin_scope(scope: Scope):
    if scope.role == Role.GUIDE:
        return Checkin.closed_by_id == scope.user_id
    return scope.residents(User.municipality_code)


def turnaround(scope: Scope, period: Period) -> list[dict]:
    """Per guide (and 'all'): n, median and 90th percentile of working hours from a check-in
    coming in to the feedback, for check-ins answered in the period."""
    first = (period.start - LOOKBACK).date()
    calendar = values(column("day", Date), column("ws", UTCDateTime), column("we", UTCDateTime),
                      column("before", Float), name="calendar").data(
        calendar_rows(first, period.last + timedelta(days=1))).cte("calendar")
    came, answered = calendar.alias("came"), calendar.alias("answered")
    hours = ((_working_seconds_until(Checkin.closed_at, answered)
              - _working_seconds_until(Checkin.submitted_at, came)) / HOUR)
    per_checkin = (
        select(Checkin.closed_by_id.label("guide_id"), hours.label("value"))
        .select_from(Checkin)
        .join(User, User.id == Checkin.resident_id)
        .join(came, came.c.day == _utc_date(Checkin.submitted_at))
        .join(answered, answered.c.day == _utc_date(Checkin.closed_at))
        .where(Checkin.closed_at >= period.start, Checkin.closed_at < period.end,
               Checkin.submitted_at.is_not(None), Checkin.closed_by_id.is_not(None),
               _checkin_scope(scope))
        .cte("per_checkin")
    )
    keyed = union_all(
        select(cast(per_checkin.c.guide_id, String).label("grp"), per_checkin.c.value),
        select(literal("all", String).label("grp"), per_checkin.c.value)).subquery()
    rows = db.execute(percentiles(select(keyed.c.grp, keyed.c.value), ["grp"])).mappings()
    return [dict(r) for r in rows]


def checkin_counts(scope: Scope, period: Period) -> list[dict]:
    """Per guide: check-ins answered in the period, answered after the deadline, and the mean
    minutes spent (each check-in is one resident's week)."""
    statement = (
        select(Checkin.closed_by_id.label("guide_id"), func.count().label("handled"),
               func.sum(case((Checkin.closed_at > Checkin.feedback_due_at, 1),
                             else_=0)).label("late"),
               func.count(Checkin.minutes_spent).label("with_minutes"),
               func.sum(Checkin.minutes_spent).label("minutes"))
        .join(User, User.id == Checkin.resident_id)
        .where(Checkin.closed_at >= period.start, Checkin.closed_at < period.end,
               Checkin.closed_by_id.is_not(None), _checkin_scope(scope))
        .group_by(Checkin.closed_by_id)
    )
    return [dict(r) for r in db.execute(statement).mappings()]


def _assignment_scope(scope: Scope):
    if scope.role == Role.GUIDE:
        return GuideAssignment.guide_id == scope.user_id
    return scope.residents(User.municipality_code)


def overdue_now(scope: Scope, period: Period) -> list[dict]:
    """Per current guide: check-ins waiting for feedback past their deadline right now."""
    statement = (
        select(GuideAssignment.guide_id, func.count(func.distinct(Checkin.id)).label("overdue"))
        .select_from(Checkin)
        .join(GuideAssignment, and_(GuideAssignment.enrolment_id == Checkin.enrolment_id,
                                    GuideAssignment.ended_at.is_(None)))
        .join(User, User.id == Checkin.resident_id)
        .where(Checkin.state == CheckinState.SUBMITTED, Checkin.feedback_due_at < period.now,
               _assignment_scope(scope))
        .group_by(GuideAssignment.guide_id)
    )
    return [dict(r) for r in db.execute(statement).mappings()]


def _flags_by_guide(scope: Scope, period: Period):
    """(guide, flag) pairs: flags raised in the period, with the guide assigned at the time."""
    return (
        select(GuideAssignment.guide_id, RiskFlag.id.label("flag_id"), RiskFlag.state,
               RiskFlag.acknowledged_at, RiskFlag.raised_at)
        .select_from(RiskFlag)
        .join(GuideAssignment, and_(GuideAssignment.resident_id == RiskFlag.resident_id,
                                    GuideAssignment.assigned_at <= RiskFlag.raised_at,
                                    or_(GuideAssignment.ended_at.is_(None),
                                        GuideAssignment.ended_at > RiskFlag.raised_at)))
        .join(User, User.id == RiskFlag.resident_id)
        .where(RiskFlag.raised_at >= period.start, RiskFlag.raised_at < period.end,
               _assignment_scope(scope))
        .distinct()
        .subquery()
    )


def flag_counts(scope: Scope, period: Period) -> list[dict]:
    pairs = _flags_by_guide(scope, period)
    statement = (select(pairs.c.guide_id, func.count().label("raised"),
                        func.count(pairs.c.acknowledged_at).label("acknowledged"),
                        func.sum(case((pairs.c.state == FlagState.OPEN, 1), else_=0)).label("open"))
                 .group_by(pairs.c.guide_id))
    return [dict(r) for r in db.execute(statement).mappings()]


def acknowledgement_times(scope: Scope, period: Period) -> list[dict]:
    """Per guide (and 'all'): clock hours from a flag being raised to its acknowledgement."""
    pairs = _flags_by_guide(scope, period)
    hours = (seconds_between(pairs.c.acknowledged_at, pairs.c.raised_at) / HOUR).label("value")
    keyed = union_all(
        select(cast(pairs.c.guide_id, String).label("grp"), hours),
        select(literal("all", String).label("grp"), hours)).subquery()
    rows = db.execute(percentiles(select(keyed.c.grp, keyed.c.value), ["grp"])).mappings()
    return [dict(r) for r in rows]


def _flags_by_owner(scope: Scope, period: Period):
    """Risk flags raised in the period with the owner type they were first given (admins only:
    the owner chain is a service-level figure)."""
    return (select(func.coalesce(RiskFlag.first_owner_level, OwnerLevel.TEAM.value, type_=String).label("grp"),
                   RiskFlag.acknowledged_at, RiskFlag.raised_at, RiskFlag.escalations)
            .where(RiskFlag.kind == FlagKind.RISK, RiskFlag.raised_at >= period.start,
                   RiskFlag.raised_at < period.end, scope.residents(RiskFlag.municipality_code))
            .subquery())


def flags_by_owner(scope: Scope, period: Period) -> list[dict]:
    """Per first owner type: flags, acknowledged, escalated at least once, median hours to
    acknowledgement (clock hours), one statement with the 'all' row in it."""
    flags = _flags_by_owner(scope, period)
    hours = (seconds_between(flags.c.acknowledged_at, flags.c.raised_at) / HOUR)
    keyed = union_all(
        select(flags.c.grp, flags.c.acknowledged_at, flags.c.escalations, hours.label("value")),
        select(literal("all", String).label("grp"), flags.c.acknowledged_at, flags.c.escalations,
               hours.label("value"))).subquery()
    counts = {r["grp"]: dict(r) for r in db.execute(
        select(keyed.c.grp, func.count().label("raised"),
               func.count(keyed.c.acknowledged_at).label("acknowledged"),
               func.sum(case((keyed.c.escalations > 0, 1), else_=0)).label("escalated"))
        .group_by(keyed.c.grp)).mappings()}
    for r in db.execute(percentiles(select(keyed.c.grp, keyed.c.value), ["grp"])).mappings():
        counts.setdefault(r["grp"], {"grp": r["grp"]}).update(median=r["median"], n=r["n"])
    return list(counts.values())


def guide_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i: name for i, name in db.execute(
        select(User.id, func.coalesce(User.display_name, User.name))
        .where(User.id.in_(sorted(ids))))}
