"""Putting messages in the outbox. Sending them is the scheduler's job."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from selfhelp.db import db
from selfhelp.notifications.models import Notification


def enqueue(recipient_id: int, kind: str, occurrence: str, due_at: datetime, now: datetime,
            context: dict | None = None) -> Notification:
    """Add a message unless the same (recipient, kind, occurrence) is already there."""
    existing = db.scalar(select(Notification).where(
        Notification.recipient_id == recipient_id, Notification.kind == kind,
        Notification.occurrence == occurrence))
    if existing is not None:
        return existing
    notification = Notification(recipient_id=recipient_id, kind=kind, occurrence=occurrence,
                                due_at=due_at, created_at=now, context=context or {},
                                state="pending")
    try:
        with db.begin_nested():  # another process may add the same message at the same moment
            db.add(notification)
    except IntegrityError:
        return db.scalar(select(Notification).where(
            Notification.recipient_id == recipient_id, Notification.kind == kind,
            Notification.occurrence == occurrence))
    return notification
