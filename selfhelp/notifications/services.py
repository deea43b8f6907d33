"""Putting messages in the outbox. Sending them is the scheduler's job."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
                 due_at=p.due_at, created_at=now, context=p.context, state="pending",
                 channel="email", attempts=0) for p in planned]
    for start in range(0, len(rows), batch):
        table = Notification.__table__
        statement = (insert(table)
                     .on_conflict_do_nothing(index_elements=["recipient_id", "kind", "occurrence"])
                     .returning(table.c.id))  # only rows really added come back
        added += len(db.connection().execute(statement, rows[start:start + batch]).all())
    return added
