"""Working days and hours in Europe/Oslo: weekends and Norwegian public holidays are not worked.

Used for when guide feedback is due and when an unacknowledged risk flag goes to the admins.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from selfhelp.clock import OSLO

DAY_STARTS = time(8, 0)
DAY_ENDS = time(16, 0)


@cache
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


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
    local = submitted_at.astimezone(OSLO)
    return _at(add_working_days(local.date(), working_days), DAY_ENDS)


def escalation_due(raised_at: datetime, working_hours: int = 1) -> datetime:
    """When an unacknowledged risk flag goes to the admins: after `working_hours` of working time
    if raised during working hours, otherwise at the start of the next working day."""
    local = raised_at.astimezone(OSLO)
    day = local.date()
    if is_working_day(day) and DAY_STARTS <= local.time() < DAY_ENDS:
        due = local + timedelta(hours=working_hours)
        end = _at(day, DAY_ENDS)
        if due <= end:
            return due
        return _at(next_working_day(day), DAY_STARTS) + (due - end)
    if is_working_day(day) and local.time() < DAY_STARTS:
        return _at(day, DAY_STARTS)
    return _at(next_working_day(day), DAY_STARTS)


def next_working_morning(after: datetime) -> datetime:
    """The next start of a working day (08:00) after `after`: when the admins are reminded of
    flags that are still open at the last step of the owner chain."""
    local = after.astimezone(OSLO)
    if is_working_day(local.date()) and local.time() < DAY_STARTS:
        return _at(local.date(), DAY_STARTS)
    return _at(next_working_day(local.date()), DAY_STARTS)
