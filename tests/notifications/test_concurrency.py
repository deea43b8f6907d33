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

ROWS = 1_000
WORKERS = 2
#: 09:00 UTC: outside the recipients' quiet hours whatever the season (not the real clock).
NOON = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def pg_app(request, smtp_server, postgres_engine):
    app = _build_app("postgresql", request, smtp_server)
    yield app
    app.extensions["db"].engine.dispose()


def _fill(pg_app, now: datetime, rows: int) -> None:
    with pg_app.app_context():
        from selfhelp.db import db

        people = [factories.make_resident() for _ in range(20)]
        db.execute(insert(Notification), [
            {"recipient_id": people[i % len(people)].id, "kind": "new_message",
             "occurrence": f"message:{i}", "channel": "email", "context": {}, "created_at": now,
             "due_at": now - timedelta(seconds=i % 60), "state": "pending", "attempts": 0}
            for i in range(rows)])
        db.commit()


@pytest.mark.postgres_only
def test_two_workers_send_every_due_row_exactly_once(pg_app, mailbox):
    now = NOON
    _fill(pg_app, now, ROWS)

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


def _senders(count: int, now: datetime, port: int) -> list:
    """`selfhelp notifications send --now ...` as separate operating-system processes."""
    import os
    import subprocess
    import sys

    from selfhelp.config import ROOT
    from tests.conftest import PG_URL

    env = {**os.environ, "SELFHELP_DATABASE_URL": PG_URL, "SELFHELP_SECRET_KEY": "x",
           "SELFHELP_MAIL_BACKEND": "smtp", "SELFHELP_MAIL_SERVER": "127.0.0.1",
           "SELFHELP_MAIL_PORT": str(port)}
    return [subprocess.Popen([sys.executable, "-c", "from selfhelp.cli import main; main()",
                              "notifications", "send", "--now", now.isoformat()],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for _ in range(count)]


@pytest.mark.postgres_only
def test_two_sending_processes_deliver_each_message_exactly_once(pg_app, mailbox):
    _fill(pg_app, NOON, 2_000)
    outputs = [p.communicate(timeout=300)[0] for p in _senders(2, NOON, mailbox.port)]
    assert all("Notifications: sent" in out for out in outputs), outputs
    seen = Counter(m["X-Selfhelp-Notification"] for m in mailbox.messages)
    assert len(seen) == 2_000 and set(seen.values()) == {1}
    sent_by = [int(out.split("Notifications: sent ")[1].split(",")[0]) for out in outputs]
    assert sum(sent_by) == 2_000 and min(sent_by) > 0  # both processes really worked


@pytest.mark.postgres_only
def test_mail_server_down_mid_run_loses_nothing(pg_app, mailbox):
    import time

    _fill(pg_app, NOON, 1_000)
    processes = _senders(2, NOON, mailbox.port)
    deadline = time.monotonic() + 120
    while len(mailbox.messages) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    mailbox.stop()  # the mail server goes away in the middle of the run
    for p in processes:
        p.communicate(timeout=300)
    arrived_before = len(mailbox.messages)
    assert 300 <= arrived_before < 1_000
    mailbox.start()
    # Later (after the backoff), a sender finds the rest and sends it.
    for p in _senders(2, NOON + timedelta(minutes=30), mailbox.port):
        p.communicate(timeout=300)
    seen = Counter(m["X-Selfhelp-Notification"] for m in mailbox.messages)
    assert len(seen) == 1_000  # nothing lost
    # A message the server accepted in the very instant it went down may come again (the sender
    # never heard "OK"); at most one per process, and with the same Message-ID.
    assert sum(seen.values()) - 1_000 <= 2
    with pg_app.app_context():
        from selfhelp.db import db

        assert db.scalar(select(func.count()).where(Notification.state != "sent")) == 0
