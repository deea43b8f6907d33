"""Session dates of a course cohort: weekly rhythm, Norwegian public holidays, skipped weeks.

Pure functions over content objects: no database, no clock. Dates and times are Europe/Oslo
wall-clock values (as stored on a cohort); instants come out as aware UTC datetimes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from selfhelp.clock import OSLO, holiday_name
from selfhelp.content.model import Course

SKIPPED_WEEK = "skipped_week"
#: Reason for a date the caller passed in `extra_holidays` (e.g. a local holiday).
EXTRA_HOLIDAY = "extra_holiday"

#: A guard against a caller passing skip dates for years on end: no course runs this long.
MAX_SHIFT_WEEKS = 104


@dataclass(frozen=True)
class PlannedSession:
    """One session of a cohort at a local date and wall-clock time in Europe/Oslo."""

    number: int
    kind: str
    local_date: date
    start_time: time
    minutes: int
    #: The date the plan gave this session before it was shifted or moved; None if unchanged.
    moved_from: date | None = None
    #: (date, reason) pairs this session itself skipped: a holiday name or "skipped_week".
    skipped: tuple[tuple[date, str], ...] = ()

    @property
    def local_start(self) -> datetime:
        return datetime.combine(self.local_date, self.start_time, tzinfo=OSLO)

    @property
    def starts_at(self) -> datetime:
        return self.local_start.astimezone(timezone.utc)

    @property
    def ends_at(self) -> datetime:
        # Aware arithmetic within one ZoneInfo is wall-clock arithmetic, so a session that spans
        # a DST change still lasts `minutes` on the clock on the wall.
        return (self.local_start + timedelta(minutes=self.minutes)).astimezone(timezone.utc)


def wall_clock(instant: datetime) -> datetime:
    """The aware `instant` as Europe/Oslo wall-clock time."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("wall_clock needs an aware datetime")
    return instant.astimezone(OSLO)


def move_session(session: PlannedSession, new_date: date, new_time: time) -> PlannedSession:
    """A copy of `session` at `new_date` `new_time` (Europe/Oslo) that remembers its old date."""
    _check_naive(new_time)
    # The holiday skips explained how the plan reached the old date; they do not apply any more.
    return replace(session, local_date=new_date, start_time=new_time,
                   moved_from=session.local_date, skipped=())


def generate_sessions(course: Course, first_date: date, start_time: time,
                      skip_dates: Iterable[date] = (),
                      extra_holidays: Iterable[date] = ()) -> list[PlannedSession]:
    """One planned session per session of `course`, starting on `first_date`.

    A session on a public holiday or in a week the leader removed moves one week on, and so do all
    later sessions, so the weekly rhythm, the order and the follow-up distances are kept.
    """
    _check_naive(start_time)
    skipped_weeks = {d.isocalendar()[:2] for d in skip_dates}
    extra = frozenset(extra_holidays)
    shift = 0
    planned: list[PlannedSession] = []
    for plan in sorted(course.sessions, key=lambda p: (p.week, p.number)):
        nominal = first_date + timedelta(weeks=plan.week)
        day = nominal + timedelta(weeks=shift)
        skipped: list[tuple[date, str]] = []
        while (reason := _blocked(day, skipped_weeks, extra)) is not None:
            skipped.append((day, reason))
            shift += 1
            if shift > MAX_SHIFT_WEEKS:
                raise ValueError(f"session {plan.number} cannot be placed: every week is blocked")
            day += timedelta(weeks=1)
        planned.append(PlannedSession(
            number=plan.number, kind=plan.kind, local_date=day, start_time=start_time,
            minutes=course.session_minutes, moved_from=nominal if day != nominal else None,
            skipped=tuple(skipped)))
    return sorted(planned, key=lambda s: s.number)


def _blocked(day: date, skipped_weeks: set[tuple[int, int]], extra: frozenset[date]) -> str | None:
    if name := holiday_name(day):
        return name
    if day in extra:
        return EXTRA_HOLIDAY
    if day.isocalendar()[:2] in skipped_weeks:
        return SKIPPED_WEEK
    return None


def _check_naive(value: time) -> None:
    # A stored wall-clock time never carries a zone; a tz-aware time would silently be dropped.
    if value.tzinfo is not None:
        raise ValueError("start times are naive Europe/Oslo wall-clock times")
