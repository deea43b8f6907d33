"""Scheduled work of the notification domain: plan what is due, send what is due.

Run by the scheduler process (selfhelp/scheduler.py); `selfhelp notifications plan|send|run`
does the same once, for cron.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from selfhelp import clock
from selfhelp.notifications.delivery import default_worker, send_everything_due
from selfhelp.notifications.planning import plan_everything

log = logging.getLogger(__name__)


def send_notifications_job(app: Flask, stop: threading.Event) -> None:
    with app.app_context():
        report = send_everything_due(clock.now, worker=default_worker(), stop=stop.is_set)
    if report.handled:
        log.info("notifications: %s", report)


def plan_notifications_job(app: Flask, stop: threading.Event) -> None:
    with app.app_context():
        added = plan_everything(clock.now())
    if any(added.values()):
        log.info("notifications planned: %s", added)
