"""The scheduler process: runs every domain's scheduled jobs, in code, never in web workers.

`selfhelp scheduler` starts it (python3 dev.py does so next to the web server). Each job is also
a CLI command, so a deployment may use cron instead. Jobs are "claim one due item, do it, record
it" loops, so two schedulers running at once do no harm.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from selfhelp.notifications.jobs import plan_notifications_job, send_notifications_job
from selfhelp.privacy.jobs import purge_closed_accounts_job

log = logging.getLogger(__name__)


#: (id, function, seconds between runs). A domain with scheduled work adds its job here.
JOBS: list[tuple[str, Callable[[Flask, threading.Event], None], int]] = [
    ("plan_notifications", plan_notifications_job, 60),
    ("send_due_notifications", send_notifications_job, 30),
    ("purge_closed_accounts", purge_closed_accounts_job, 3600),
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
