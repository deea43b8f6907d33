"""`selfhelp notifications send` and `selfhelp scheduler`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from selfhelp import create_app
from selfhelp.config import ROOT, SettingsForTests
from selfhelp.db import Base
from selfhelp.notifications.jobs import send_notifications_job
from selfhelp.scheduler import build_scheduler
from tests.notifications.conftest import NOW, fresh, notify


def test_notifications_send_sends_what_is_due_at_the_given_instant(app, db, clock, mailbox,
                                                                   resident):
    due = notify(resident)
    later = notify(resident, due_at=NOW + timedelta(hours=2))
    result = app.test_cli_runner().invoke(
        args=["notifications", "send", "--now", "2026-03-02T09:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Notifications: sent 1, retried 0, failed 0, cancelled 0, "
                                     "deferred 0, held for digest 0.")
    assert fresh(due).state == "sent" and fresh(later).state == "pending"
    assert len(mailbox.messages) == 1


def test_notifications_send_drains_more_than_one_pass(app, db, clock, mailbox, resident):
    for i in range(250):  # more than send_due's default limit of 200
        notify(resident, occurrence=f"message:{i}", channel="in_app")
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert "sent 250," in result.output


def test_notifications_send_wants_an_instant_with_a_time_zone(app, db):
    result = app.test_cli_runner().invoke(
        args=["notifications", "send", "--now", "2026-03-02T09:00"])
    assert result.exit_code == 2 and "time zone" in result.output


def test_the_scheduler_job_sends_due_notifications(app, db, clock, mailbox, resident):
    scheduler = build_scheduler(app, threading.Event())
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"plan_notifications", "send_due_notifications"} <= set(jobs)
    assert all((job.max_instances, job.coalesce) == (1, True) for job in jobs.values())
    assert jobs["send_due_notifications"].trigger.interval == timedelta(seconds=30)
    assert jobs["plan_notifications"].trigger.interval == timedelta(seconds=60)
    n = notify(resident)
    send_notifications_job(app, threading.Event())
    assert fresh(n).state == "sent" and len(mailbox.messages) == 1


def test_the_scheduler_process_stops_cleanly_on_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    app = create_app(SettingsForTests(database_url=url).as_dict())
    Base.metadata.create_all(app.extensions["db"].engine)
    app.extensions["db"].engine.dispose()
    env = {**os.environ, "SELFHELP_DATABASE_URL": url, "SELFHELP_SECRET_KEY": "x",
           "SELFHELP_MAIL_BACKEND": "smtp", "SELFHELP_MAIL_PORT": "1"}
    process = subprocess.Popen([sys.executable, "-c", "from selfhelp.cli import main; main()",
                                "scheduler"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        lines = []
        while time.monotonic() < deadline:
            lines.append(process.stdout.readline())
            if not lines[-1]:  # the process ended early: the assertions below say why
                break
            if 'Job "send_due_notifications' in lines[-1] and "executed successfully" in lines[-1]:
                break
        process.send_signal(signal.SIGTERM)
        output = "".join(lines) + process.communicate(timeout=20)[0]
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    assert process.returncode == 0, output
    assert "SIGTERM received, stopping" in output and "scheduler: stopped" in output
