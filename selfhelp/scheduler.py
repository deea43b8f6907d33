"""The scheduler process: runs every domain's scheduled jobs, in code, never in web workers.

`selfhelp scheduler` starts it (python3 dev.py does so next to the web server). Each job is also
a CLI command, so a deployment may use cron instead. Jobs are "claim one due item, do it, record
it" loops, so two schedulers running at once do no harm.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from selfhelp import clock
from selfhelp.db import unit_of_work
from selfhelp.operations.services import record_pass
from selfhelp.notifications.jobs import plan_notifications_job, send_notifications_job
from selfhelp.privacy.jobs import purge_closed_accounts_job

log = logging.getLogger(__name__)


#: (id, function, seconds between runs). A domain with scheduled work adds its job here.
JOBS: list[tuple[str, Callable[[Flask, threading.Event], None], int]] = [
    ("plan_notifications", plan_notifications_job, 60),
    ("send_due_notifications", send_notifications_job, 30),
    ("purge_closed_accounts", purge_closed_accounts_job, 3600),
]


def scheduler_worker() -> str:
    """This scheduler process, as its heartbeat rows name it."""
    return f"{socket.gethostname()}:{os.getpid()}"[-64:]


def with_heartbeat(job_id: str, func: Callable[[Flask, threading.Event], None]
                   ) -> Callable[[Flask, threading.Event], None]:
    """Run the job, then record the pass (its duration, whether it failed) in the heartbeat
    table that /readyz, /metrics and the admin banner read. A failing job still beats: the
    scheduler is alive, and the failure is counted."""

    def run(app: Flask, stop: threading.Event) -> None:
        started, failed = time.monotonic(), False
        try:
            func(app, stop)
        except Exception:
            failed = True
            raise
        finally:
            seconds = time.monotonic() - started
            try:
                with app.app_context(), unit_of_work() as session:
                    record_pass(session, worker=scheduler_worker(), job=job_id, now=clock.now(),
                                seconds=seconds, failed=failed)
            except Exception:  # noqa: BLE001 - the heartbeat must never stop the job itself
                log.exception("scheduler: could not record the heartbeat of %s", job_id)

    return run


def build_scheduler(app: Flask, stop: threading.Event) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=timezone.utc)
    for job_id, func, seconds in JOBS:
        # max_instances=1: a slow run is never overtaken by the next one; coalesce: runs missed
        # while the machine slept become one run, not a burst.
        scheduler.add_job(with_heartbeat(job_id, func), "interval", seconds=seconds,
                          args=[app, stop], id=job_id, name=job_id, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(timezone.utc))
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Block until SIGINT or SIGTERM; a running job finishes its current row, then we exit.

    The signal handler only sets the stop event and starts the shutdown in its own thread: the
    handler interrupts the main thread wherever it is, possibly inside the scheduler while it
    holds a lock that a finishing job needs, so waiting for the jobs there could deadlock."""
    stop = threading.Event()
    scheduler = build_scheduler(app, stop)
    stopping: list[threading.Thread] = []

    def _stop(signum: int, _frame: object) -> None:
        if stop.is_set():  # Ctrl+C reaches us directly and via dev.py's terminate()
            return
        log.info("scheduler: %s received, stopping", signal.Signals(signum).name)
        stop.set()
        shutdown = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                                    name="scheduler-shutdown")
        stopping.append(shutdown)
        shutdown.start()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler: started with jobs %s", ", ".join(job_id for job_id, _f, _s in JOBS))
    scheduler.start()
    for shutdown in stopping:  # start() returns once the state is "stopped"; let jobs finish
        shutdown.join()
    log.info("scheduler: stopped")
