"""The time now, in one place so services get it passed in and tests can freeze it."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    return datetime.now(timezone.utc)


def local(instant: datetime) -> datetime:
    """An instant shown as wall-clock time in Europe/Oslo."""
    return instant.astimezone(OSLO)
