"""The in-app notification centre: what a person has been notified of, newest first.

It reads the outbox itself: every notification delivery has handled shows here whatever channel
carried it (also one whose email waits for the morning or the daily digest), with the title and
link rendered then.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from selfhelp.db import db
from selfhelp.notifications.models import Notification, NotificationState

PAGE_SIZE = 30


def _mine(user_id: int):
    """Shown once delivery has rendered it; hidden again if it was called off (cancelled)."""
    return ((Notification.recipient_id == user_id) & Notification.shown_at.is_not(None)
            & (Notification.state != NotificationState.CANCELLED))


def unread_count(user_id: int) -> int:
    return db.scalar(select(func.count(Notification.id))
                     .where(_mine(user_id), Notification.read_at.is_(None))) or 0


def latest(user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(db.scalars(select(Notification).where(_mine(user_id))
                           .order_by(Notification.shown_at.desc(), Notification.id.desc())
                           .limit(limit)))


def open_one(user_id: int, notification_id: int, now: datetime) -> Notification | None:
    """The person's own notification, marked read; None for anyone else's."""
    n = db.scalar(select(Notification).where(Notification.id == notification_id, _mine(user_id)))
    if n is not None and n.read_at is None:
        n.read_at = now
    return n


def mark_all_read(user_id: int, now: datetime) -> int:
    return db.execute(update(Notification).where(_mine(user_id), Notification.read_at.is_(None))
                      .values(read_at=now)).rowcount


def title_of(n: Notification, language: str) -> str | None:
    """The title in the reader's language (rows from before titles were stored per language
    hold one string)."""
    title = (n.context or {}).get("title")
    if isinstance(title, dict):
        return title.get(language) or next(iter(title.values()), None)
    return title
