"""The time now, in one place so services get it passed in and tests can freeze it."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    return datetime.now(timezone.utc)


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
