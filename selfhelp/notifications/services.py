"""Putting messages in the outbox. Sending them is the scheduler's job."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from flask_babel import force_locale

from selfhelp.channels.email import render_email
from selfhelp.db import db
from selfhelp.notifications.kinds import build_context
from selfhelp.notifications.models import Channel, Notification, NotificationState


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
                                state=NotificationState.PENDING)
    try:
        with db.begin_nested():  # another process may add the same message at the same moment
            db.add(notification)
    except IntegrityError:
        return db.scalar(select(Notification).where(
            Notification.recipient_id == recipient_id, Notification.kind == kind,
            Notification.occurrence == occurrence))
    return notification


@dataclass(frozen=True)
class Planned:
    """A notification a planner found due; added unless the same one exists already."""

    recipient_id: int
    kind: str
    occurrence: str
    due_at: datetime
    context: dict = field(default_factory=dict)


def enqueue_many(planned: Iterable[Planned], now: datetime, batch: int = 1000) -> int:
    """Add many notifications with INSERT ... ON CONFLICT DO NOTHING (one statement per batch),
    so planners re-running over the same period never duplicate and stay fast. Returns how many
    rows are new."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = 0
    rows = [dict(recipient_id=p.recipient_id, kind=p.kind, occurrence=p.occurrence,
                 due_at=p.due_at, created_at=now, context=p.context, state=NotificationState.PENDING,
                 channel=Channel.EMAIL, attempts=0) for p in planned]
    for start in range(0, len(rows), batch):
        table = Notification.__table__
        statement = (insert(table)
                     .on_conflict_do_nothing(index_elements=["recipient_id", "kind", "occurrence"])
                     .returning(table.c.id))  # only rows really added come back
        added += len(db.connection().execute(statement, rows[start:start + batch]).all())
    return added


def retry_failed(notification_id: int, recipients: Select) -> Notification | None:
    """Send a failed notification again (from the first try), if it is one of `recipients`'
    (a subquery of user ids: the admin's people); None otherwise."""
    n = db.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.state == "failed",
        Notification.recipient_id.in_(recipients)))
    if n is not None:
        n.state, n.attempts, n.next_attempt_at, n.claimed_at = "pending", 0, None, None
        db.flush()
    return n


@dataclass(frozen=True)
class Preview:
    """The email a notice would send, as the people affected will read it."""

    subject: str
    text: str


def preview(kind: str, occurrence: str, context: dict, first_name: str, now: datetime,
            locale: str = "nb") -> Preview:
    """Render the email of a notice that is not in the outbox yet: a confirmation page shows the
    exact words before a leader or guide acts. Nothing is written."""
    notification = Notification(recipient_id=0, kind=kind, occurrence=occurrence, context=context,
                                due_at=now, created_at=now)
    with force_locale(locale):
        rendered = build_context(db, notification, first_name, now)
    rendered.pop("soon_at", None)
    subject, text, _html = render_email(kind, locale, **rendered)
    return Preview(subject, text.strip())
