"""Planning: run every planner the domains registered (selfhelp/notifications/registry.py), then
the daily digests, each in its own unit of work.

Planners only add rows (INSERT ... ON CONFLICT DO NOTHING on recipient, kind and occurrence), so
running them again, or from two schedulers at once, never creates a second copy. Sending is
separate (delivery.py).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from selfhelp.db import unit_of_work
from selfhelp.notifications.delivery import DeliveryReport, send_everything_due
from selfhelp.notifications.digest import plan_daily_digests
from selfhelp.notifications.registry import registry

DIGESTS = "daily digests"


def plan_everything(now: datetime) -> dict[str, int]:
    """Run every planner for this instant, the daily digests last; each commits on its own."""
    planners = {**registry().planners, DIGESTS: plan_daily_digests}
    added = {}
    for name, planner in planners.items():
        with unit_of_work():
            added[name] = planner(now)
    return added


def plan_and_send(now: Callable[[], datetime], worker: str) -> tuple[dict[str, int], DeliveryReport]:
    """One full round, as cron would run it: plan, send, then digests of what sending held."""
    added = plan_everything(now())
    report = send_everything_due(now, worker=worker)
    if report.held:
        with unit_of_work():
            added[DIGESTS] += plan_daily_digests(now())
        report.add(send_everything_due(now, worker=worker))
    return added, report
