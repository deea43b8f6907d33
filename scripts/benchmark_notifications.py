#!/usr/bin/env python3
"""How fast does the outbox drain? (A measurement, not a test.)

    .venv/bin/python scripts/benchmark_notifications.py [--plan P] [--rows N] [--email-rows M] [--url URL]

0. Planning: P residents whose weekly module opens today; one planning pass adds P outbox rows
   (INSERT ... ON CONFLICT DO NOTHING), and a second pass over the same data adds none.
1. N due rows on the "in_app" channel: measures claim + record alone (no mail is sent).
2. M due rows on the "email" channel to a local aiosmtpd server: adds rendering and SMTP.
Without --url a fresh SQLite file in a temporary folder is used; a given URL must be a scratch
database (its notification rows are counted as the benchmark's).
Needs the test extras (aiosmtpd): python3 dev.py test, or pip install -e .[test].
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from selfhelp import create_app  # noqa: E402
from selfhelp.accounts.models import User  # noqa: E402
from selfhelp.db import Base, db  # noqa: E402
from selfhelp.notifications.delivery import send_everything_due  # noqa: E402
from selfhelp.notifications.models import Notification  # noqa: E402

RECIPIENTS = 500
CHUNK = 10_000


class CountingHandler:
    """Accepts mail and only counts it, so the server costs the sender as little as possible."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_rows(count: int, channel: str, now: datetime, offset: int) -> None:
    recipients = list(db.scalars(select(User.id).order_by(User.id).limit(RECIPIENTS)))
    for start in range(0, count, CHUNK):
        db.execute(insert(Notification), [
            {"recipient_id": recipients[i % len(recipients)], "kind": "new_message",
             "occurrence": f"benchmark:{offset + i}", "channel": channel, "context": {},
             "created_at": now, "due_at": now - timedelta(seconds=i % 3600), "state": "pending",
             "attempts": 0}
            for i in range(start, min(start + CHUNK, count))])
        db.commit()


def add_recipients(now: datetime) -> None:
    db.execute(insert(User), [
        {"email": f"bench{i}@example.com", "name": f"Bench Person {i}", "locale": "nb",
         "created_at": now, "active": True, "security_stamp": f"{i:016d}"}
        for i in range(RECIPIENTS)])
    db.commit()


def add_enrolments(count: int, now: datetime) -> None:
    """`count` residents who started the weekly depression program a week ago today."""
    from datetime import date

    from selfhelp.programs.models import Enrolment

    start = date(2026, 2, 23)
    for first in range(0, count, CHUNK):
        people = range(first, min(first + CHUNK, count))
        db.execute(insert(User), [
            {"email": f"planned{i}@example.com", "name": f"Planned Person {i}", "locale": "nb",
             "created_at": now, "active": True, "security_stamp": f"p{i:015d}"} for i in people])
        ids = db.scalars(select(User.id).where(User.email.like("planned%"))
                         .order_by(User.id.desc()).limit(len(people)))
        db.execute(insert(Enrolment), [
            {"resident_id": user_id, "program_slug": "depression", "started_at": now - timedelta(days=7),
             "start_date": start, "state": "active", "unlocked_through": 1, "extra_weeks": 0,
             "last_activity_at": now - timedelta(days=1)} for user_id in ids])
        db.commit()


def plan(count: int, now: datetime) -> None:
    from selfhelp.notifications.planning import plan_everything

    for label in ("planning pass (adds)", "planning pass again (adds none)"):
        started = time.perf_counter()
        added = plan_everything(now)
        elapsed = time.perf_counter() - started
        print(f"{label:<34} {count:>8} residents in {elapsed:8.1f} s = "
              f"{count / elapsed:8.0f} residents/s; added {sum(added.values())}", flush=True)
    planned = db.scalar(select(func.count()).where(Notification.kind == "module_available"))
    assert planned == count, planned
    db.execute(Notification.__table__.delete())  # the sending part starts from an empty outbox
    db.commit()


def drain(label: str, expected: int, now: datetime) -> float:
    started = time.perf_counter()
    report = send_everything_due(lambda: now, worker="benchmark")
    seconds = time.perf_counter() - started
    if report.sent != expected:
        raise SystemExit(f"{label}: expected {expected} sent, got {report}")
    rate = expected / seconds
    print(f"{label:<34} {expected:>8} rows in {seconds:8.1f} s = {rate:8.0f} rows/s", flush=True)
    return rate


#: Outside quiet hours (21-08 Oslo), so every row is really sent, whenever the benchmark runs.
NOON = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=int, default=100_000,
                        help="residents with a module opening today, for planning (default 100000)")
    parser.add_argument("--rows", type=int, default=100_000, help="in_app rows (default 100000)")
    parser.add_argument("--email-rows", type=int, default=5_000, help="email rows (default 5000)")
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="selfhelp-bench-"))
    url = args.url or f"sqlite:///{folder / 'bench.db'}"
    handler = CountingHandler()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark",
                      "BASE_URL": "http://localhost", "MAIL_BACKEND": "smtp",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
    try:
        with app.app_context():
            Base.metadata.create_all(app.extensions["db"].engine)
            now = NOON
            print(f"database: {url.split('@')[-1]}", flush=True)
            if args.plan:
                add_enrolments(args.plan, now)
                plan(args.plan, now)
            add_recipients(now)
            started = time.perf_counter()
            add_rows(args.rows, "in_app", now, 0)
            print(f"{'inserting due rows':<34} {args.rows:>8} rows in "
                  f"{time.perf_counter() - started:8.1f} s", flush=True)
            drain("in_app (claim + record only)", args.rows, now)
            add_rows(args.email_rows, "email", now, args.rows)
            drain("email to local aiosmtpd", args.email_rows, now)
            assert handler.count == args.email_rows, handler.count
            sent = db.scalar(select(func.count()).where(Notification.state == "sent"))
            assert sent == args.rows + args.email_rows, sent
    finally:
        smtp.stop()
        app.extensions["db"].engine.dispose()


if __name__ == "__main__":
    main()
