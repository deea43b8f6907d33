"""Driving the one-shot `selfhelp notifications run --now ...` through days and weeks."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from selfhelp.clock import wall_clock
from selfhelp.db import db


def oslo(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Norway as the UTC instant it is."""
    return wall_clock(day, time(hour, minute))


def run(app, mailbox, at: datetime) -> list[tuple[str, str]]:
    """One scheduler round at `at`; returns (to, subject) of every email it sent."""
    db.commit()
    before = len(mailbox.messages)
    result = app.test_cli_runner().invoke(args=["notifications", "run", "--now", at.isoformat()])
    assert result.exit_code == 0, result.output
    db.expire_all()
    return [(m["To"], m["Subject"]) for m in mailbox.messages[before:]]


def run_every(app, mailbox, start: datetime, end: datetime,
              step: timedelta = timedelta(minutes=30)) -> list[tuple[datetime, str, str]]:
    """Rounds from start to end (inclusive) every `step`: (when, to, subject) of each email."""
    sent, at = [], start
    while at <= end:
        sent += [(at, to, subject) for to, subject in run(app, mailbox, at)]
        at += step
    return sent
