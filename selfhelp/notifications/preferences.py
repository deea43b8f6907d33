"""People's control over notifications: muted topics, channel, daily digest, quiet hours, and the
one-click unsubscribe link. `decide` is the single rule delivery follows for each message."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from selfhelp.clock import local, wall_clock
from selfhelp.notifications.catalogue import TOPICS, Kind, Topic
from selfhelp.notifications.models import NotificationSettings

DEFAULT_QUIET = (21, 8)
#: Session changes closer than this ignore quiet hours: the person must know before they set off.
URGENT_WITHIN = timedelta(hours=24)


def defaults(user_id: int) -> NotificationSettings:
    return NotificationSettings(user_id=user_id, channel="email", muted=[], daily_digest=False,
                                quiet_start_hour=DEFAULT_QUIET[0], quiet_end_hour=DEFAULT_QUIET[1])


def settings_for(session: Session, user_id: int) -> NotificationSettings:
    return session.get(NotificationSettings, user_id) or defaults(user_id)


def save_settings(session: Session, user_id: int, topics: list[Topic], *, channel: str,
                  wanted: set[str], daily_digest: bool, quiet_start_hour: int,
                  quiet_end_hour: int) -> NotificationSettings:
    """Store the person's choices; topics that cannot be muted stay on whatever was sent."""
    settings = session.get(NotificationSettings, user_id)
    if settings is None:
        settings = defaults(user_id)
        session.add(settings)
    settings.channel = channel
    settings.muted = [t.name for t in topics if t.can_mute and t.name not in wanted]
    settings.daily_digest = daily_digest
    settings.quiet_start_hour = quiet_start_hour
    settings.quiet_end_hour = quiet_end_hour
    session.flush()
    return settings


def in_quiet_hours(settings: NotificationSettings, now: datetime) -> bool:
    start, end, hour = settings.quiet_start_hour, settings.quiet_end_hour, local(now).hour
    if start == end:
        return False
    return (hour >= start or hour < end) if start > end else (start <= hour < end)


def quiet_end_after(settings: NotificationSettings, now: datetime) -> datetime:
    """The next time quiet hours end (also the hour the daily digest goes out)."""
    today = local(now).date()
    end = wall_clock(today, time(settings.quiet_end_hour))
    return end if end > now else wall_clock(today + timedelta(days=1), time(settings.quiet_end_hour))


def digest_hour(settings: NotificationSettings) -> int:
    return settings.quiet_end_hour if settings.quiet_start_hour != settings.quiet_end_hour else 8


@dataclass(frozen=True)
class Decision:
    #: send (by the person's channel), in_app (centre only), digest (hold), later (quiet hours)
    action: str
    channel: str = "email"
    not_before: datetime | None = None


def decide(kind: Kind, settings: NotificationSettings, now: datetime, has_phone: bool,
           soon_at: datetime | None = None) -> Decision:
    if kind.can_mute and (kind.topic in (settings.muted or []) or settings.channel == "in_app"):
        return Decision("in_app", "in_app")
    if kind.can_digest and settings.daily_digest:
        return Decision("digest", "in_app")
    urgent = kind.urgent_when_soon and soon_at is not None and soon_at - now < URGENT_WITHIN
    if in_quiet_hours(settings, now) and not urgent:
        return Decision("later", not_before=quiet_end_after(settings, now))
    channel = "sms" if settings.channel == "sms" and has_phone else "email"
    return Decision("send", channel)


# ------------------------------------------------------------------ one-click unsubscribe

class UnsubscribeLinkExpired(Exception):
    """The link is genuine but older than UNSUBSCRIBE_TOKEN_DAYS."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user_id: int, topic: str) -> str:
    """A signed link that works for UNSUBSCRIBE_TOKEN_DAYS (a forwarded old mail stops working)."""
    return _serializer().dumps([user_id, topic])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, topic) or None for a broken, forged or non-mutable link; raises
    UnsubscribeLinkExpired for a genuine one that is too old."""
    max_age = int(timedelta(days=current_app.config["UNSUBSCRIBE_TOKEN_DAYS"]).total_seconds())
    try:
        user_id, topic = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise UnsubscribeLinkExpired() from error
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or topic not in TOPICS or not TOPICS[topic].can_mute:
        return None
    return user_id, topic


def mute(session: Session, user_id: int, topic: str) -> NotificationSettings:
    settings = session.get(NotificationSettings, user_id)
    if settings is None:
        settings = defaults(user_id)
        session.add(settings)
    if topic not in (settings.muted or []):
        settings.muted = [*(settings.muted or []), topic]
    return settings

