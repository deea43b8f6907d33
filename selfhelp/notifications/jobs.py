"""Scheduled work of the notification domain, and the scheduler process that runs it.

`selfhelp scheduler` runs these jobs in its own process (never in web workers); each job is also a
CLI command, so cron can run it instead. Jobs are defined here in code, not stored in a database.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from selfhelp import clock
from selfhelp.notifications.delivery import DeliveryReport, default_worker, send_due

log = logging.getLogger(__name__)


def send_everything_due(now: Callable[[], datetime], *, worker: str,
                        stop: Callable[[], bool] | None = None) -> DeliveryReport:
    """Passes of send_due until one finds nothing left (a backlog drains in one run).

    Rows that failed now are due again only later (backoff), so this always ends.
    """
    total = DeliveryReport()
    while not (stop and stop()):
        report = send_due(now(), worker=worker, stop=stop)
        total.add(report)
        if report.handled == 0:
            break
    return total


def send_notifications_job(app: Flask, stop: threading.Event) -> None:
    with app.app_context():
        report = send_everything_due(clock.now, worker=default_worker(), stop=stop.is_set)
    if report.handled:
        log.info("notifications: %s", report)


#: (id, function, seconds between runs). Other domains add their jobs here.
JOBS: list[tuple[str, Callable[[Flask, threading.Event], None], int]] = [
    ("send_due_notifications", send_notifications_job, 30),
]


def build_scheduler(app: Flask, stop: threading.Event) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=timezone.utc)
    for job_id, func, seconds in JOBS:
        # max_instances=1: a slow run is never overtaken by the next one; coalesce: runs missed
        # while the machine slept become one run, not a burst.
        scheduler.add_job(func, "interval", seconds=seconds, args=[app, stop], id=job_id,
                          max_instances=1, coalesce=True,
                          next_run_time=datetime.now(timezone.utc))
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Block until SIGINT or SIGTERM; a running job finishes its current row, then we exit."""
    stop = threading.Event()
    scheduler = build_scheduler(app, stop)

    def _stop(signum: int, _frame: object) -> None:
        if stop.is_set():  # Ctrl+C reaches us directly and via dev.py's terminate()
            return
        log.info("scheduler: %s received, stopping", signal.Signals(signum).name)
        stop.set()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler: started with jobs %s", ", ".join(job_id for job_id, _f, _s in JOBS))
    scheduler.start()
    log.info("scheduler: stopped")
