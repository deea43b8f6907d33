"""Two workers sending the same outbox at once on PostgreSQL: every message arrives exactly once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from selfhelp.notifications.delivery import send_due
from selfhelp.notifications.models import Notification
from tests import factories
from tests.conftest import _build_app

ROWS = 2_000
WORKERS = 2


@pytest.fixture
def pg_app(request, smtp_server, postgres_engine):
    app = _build_app("postgresql", request, smtp_server)
    yield app
    app.extensions["db"].engine.dispose()


@pytest.mark.postgres_only
def test_two_workers_send_every_due_row_exactly_once(pg_app, mailbox):
    now = datetime.now(timezone.utc)
    with pg_app.app_context():
        from selfhelp.db import db

        people = [factories.make_resident() for _ in range(20)]
        db.execute(insert(Notification), [
            {"recipient_id": people[i % len(people)].id, "kind": "new_message",
             "occurrence": f"message:{i}", "channel": "email", "context": {}, "created_at": now,
             "due_at": now - timedelta(seconds=i % 60), "state": "pending", "attempts": 0}
            for i in range(ROWS)])
        db.commit()

    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        with pg_app.app_context():  # own app context, own session, own connections
            try:
                barrier.wait()
                while send_due(now, worker=name, limit=500).handled:
                    pass
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors

    seen = Counter(m["X-Selfhelp-Notification"] for m in mailbox.messages)
    assert len(seen) == ROWS and set(seen.values()) == {1}
    with pg_app.app_context():
        from selfhelp.db import db

        assert db.scalar(select(func.count()).where(Notification.state == "sent")) == ROWS
        assert {int(i) for i in seen} == set(db.scalars(select(Notification.id)))
        by_worker = dict(db.execute(select(Notification.claimed_by, func.count())
                                    .group_by(Notification.claimed_by)).all())
    assert set(by_worker) == {f"worker-{i}" for i in range(WORKERS)}  # both really worked
