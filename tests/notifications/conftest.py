"""Helpers for the notification tests: a resident and a way to put a row in the outbox."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from selfhelp.db import db
from selfhelp.notifications.models import Notification
from selfhelp.notifications.services import enqueue
from tests import factories

#: The frozen clock's instant (tests/conftest.py `clock`).
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
_seq = itertools.count(1)


@pytest.fixture
def resident(db):
    person = factories.make_resident(name="Rita Resident", phone="+4791234567")
    db.commit()
    return person


def notify(recipient, kind: str = "new_message", *, occurrence: str | None = None,
           due_at: datetime = NOW, channel: str = "email",
           context: dict | None = None) -> Notification:
    """Enqueue one notification and commit, as the domain code and a request would."""
    n = enqueue(recipient.id, kind, occurrence or f"test:{next(_seq)}",
                due_at, NOW - timedelta(minutes=1), context)
    n.channel = channel
    db.commit()
    return n


def fresh(n: Notification) -> Notification:
    """The row as stored now (delivery writes through its own session)."""
    return db.get(Notification, n.id, populate_existing=True)
