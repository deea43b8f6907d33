"""Planning: each domain finds the notifications that are due and adds them to the outbox.

Planners only add rows (INSERT ... ON CONFLICT DO NOTHING on recipient, kind and occurrence), so
running them again, or from two schedulers at once, never creates a second copy. Sending is
separate (delivery.py).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from selfhelp.care.jobs import plan_care_notices
from selfhelp.checkins.jobs import plan_guide_notices
from selfhelp.courses.jobs import plan_session_reminders
from selfhelp.db import db
from selfhelp.notifications.delivery import DeliveryReport, send_everything_due
from selfhelp.notifications.digest import plan_daily_digests
from selfhelp.programs.jobs import plan_program_notices

PLANNERS: list[tuple[str, Callable[[datetime], int]]] = [
    ("session reminders", plan_session_reminders),
    ("program notices", plan_program_notices),
    ("guide notices", plan_guide_notices),
    ("risk flags and escalations", plan_care_notices),
    ("daily digests", plan_daily_digests),
]


def plan_everything(now: datetime) -> dict[str, int]:
    """Run every planner for this instant; each commits on its own."""
    added = {}
    for name, planner in PLANNERS:
        added[name] = planner(now)
        db.commit()
    return added


def plan_and_send(now: Callable[[], datetime], worker: str) -> tuple[dict[str, int], DeliveryReport]:
    """One full round, as cron would run it: plan, send, then digests of what sending held."""
    added = plan_everything(now())
    report = send_everything_due(now, worker=worker)
    if report.held:
        added["daily digests"] += plan_daily_digests(now())
        db.commit()
        report.add(send_everything_due(now, worker=worker))
    return added, report
