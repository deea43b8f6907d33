"""Time in one place: the time now (so services get it passed in and tests can freeze it),
Europe/Oslo wall-clock time, Norwegian public holidays and working time.

Working time (08:00–16:00 on working days; weekends and public holidays are not worked) decides
when guide feedback is due and when an unacknowledged risk flag goes to the admins.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
DAY_STARTS = time(8, 0)
DAY_ENDS = time(16, 0)

D = TypeVar("D", date, datetime)


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in Oslo (not the server's: a server in UTC is a day behind after 23:00)."""
    return local(now()).date()


def local(instant: datetime) -> datetime:
    """An instant shown as wall-clock time in Europe/Oslo."""
    return instant.astimezone(OSLO)


def wall_clock(day: date, at: time) -> datetime:
    """The UTC instant of a wall-clock time in Europe/Oslo on a given day."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(timezone.utc)


def same_time_days_before(instant: datetime, days: int) -> datetime:
    """The same Oslo wall-clock time `days` days earlier: across a daylight-saving change this is
    23 or 25 hours per day, not 24 (an 18:00 session is reminded at 18:00 the day before)."""
    wall = local(instant)
    return wall_clock(wall.date() - timedelta(days=days), wall.time().replace(tzinfo=None))


def years_before(day: D, years: int) -> D:
    """The same date (or instant) `years` years earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


# --------------------------------------------------------------------------- public holidays

def holiday_name(day: date) -> str | None:
    """The name of the Norwegian public holiday on `day`, or None; plain Sundays are no holiday."""
    return _norwegian_holidays(day.year).get(day)


@lru_cache(maxsize=32)
def _norwegian_holidays(year: int) -> dict[date, str]:
    # include_sundays=False: in Norway every Sunday is formally a holiday and the package can list
    # them all; only named ones (Første påskedag, Første pinsedag) count.
    try:
        calendar = holidays.country_holidays("NO", years=year, language="no",
                                             include_sundays=False)
    except (NotImplementedError, TypeError):  # older package without the language or the flag
        calendar = holidays.country_holidays("NO", years=year)
    named = {day: _without_sunday(name) for day, name in calendar.items()}
    return {day: name for day, name in named.items() if name}


def _without_sunday(name: str) -> str:
    # Belt and braces for package versions that list every Sunday ("Søndag"), also merged into
    # real names ("Første påskedag; Søndag"): keep only the named holidays.
    parts = [part.strip() for part in name.split(";")]
    return "; ".join(p for p in parts if p and p.lower() not in ("søndag", "sunday"))


# --------------------------------------------------------------------------- working time

def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    for _ in range(count):
        day = next_working_day(day)
    return day


def _at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=OSLO)


def feedback_due(submitted_at: datetime, working_days: int) -> datetime:
    """End of the working day `working_days` working days after the check-in came in.

    A check-in sent on Friday evening with 2 days is due Tuesday 16:00 (Monday 16:00 if 1 day).
    """
    return _at(add_working_days(local(submitted_at).date(), working_days), DAY_ENDS)


def escalation_due(raised_at: datetime, working_hours: int = 1) -> datetime:
    """When an unacknowledged risk flag goes to the admins: after `working_hours` of working time
    if raised during working hours, otherwise at the start of the next working day."""
    wall = local(raised_at)
    day = wall.date()
    if is_working_day(day) and DAY_STARTS <= wall.time() < DAY_ENDS:
        due = wall + timedelta(hours=working_hours)
        end = _at(day, DAY_ENDS)
        if due <= end:
            return due
        return _at(next_working_day(day), DAY_STARTS) + (due - end)
    if is_working_day(day) and wall.time() < DAY_STARTS:
        return _at(day, DAY_STARTS)
    return _at(next_working_day(day), DAY_STARTS)


def next_working_morning(after: datetime) -> datetime:
    """The next start of a working day (08:00) after `after`: when the admins are reminded of
    flags that are still open at the last step of the owner chain."""
    wall = local(after)
    if is_working_day(wall.date()) and wall.time() < DAY_STARTS:
        return _at(wall.date(), DAY_STARTS)
    return _at(next_working_day(wall.date()), DAY_STARTS)
