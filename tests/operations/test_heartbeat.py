"""Each scheduler job run leaves a heartbeat: passes, failures and time per process and job."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from selfhelp.operations.models import SchedulerHeartbeat
from selfhelp.scheduler import JOBS, build_scheduler, scheduler_worker, with_heartbeat
from tests.operations.helpers import beat

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _rows(db):
    db.expire_all()
    return db.scalars(select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.worker,
                                                          SchedulerHeartbeat.job)).all()


def test_every_scheduler_job_records_a_heartbeat_when_it_runs(app, db, clock):
    ran = []
    job = with_heartbeat("plan_notifications", lambda app, stop: ran.append(1))
    job(app, threading.Event())
    job(app, threading.Event())
    (row,) = _rows(db)
    assert ran == [1, 1]
    assert (row.worker, row.job, row.passes, row.failures, row.beat_at) == (
        scheduler_worker(), "plan_notifications", 2, 0, NOW)
    assert row.seconds_total >= row.last_seconds >= 0


def test_a_failing_job_still_beats_counts_the_failure_and_raises(app, db, clock):
    def broken(app, stop):
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError):
        with_heartbeat("send_due_notifications", broken)(app, threading.Event())
    (row,) = _rows(db)
    assert (row.passes, row.failures, row.last_failure_at) == (1, 1, NOW)


def test_the_scheduler_runs_each_job_through_the_heartbeat(app, db, clock):
    scheduler = build_scheduler(app, threading.Event())
    assert {job.id for job in scheduler.get_jobs()} == {job_id for job_id, _f, _s in JOBS}
    assert all(job.func.__qualname__ == "with_heartbeat.<locals>.run" for job in scheduler.get_jobs())


def test_two_schedulers_keep_their_own_rows(app, db, clock):
    beat(NOW, worker="host-a:1")
    beat(NOW, worker="host-b:2")
    beat(NOW, worker="host-a:1", failed=True)
    assert [(r.worker, r.passes, r.failures) for r in _rows(db)] == [("host-a:1", 2, 1),
                                                                     ("host-b:2", 1, 0)]


def test_rows_of_a_scheduler_gone_for_a_week_are_forgotten(app, db, clock):
    beat(NOW - timedelta(days=8), worker="old-host:1")
    beat(NOW, worker="new-host:2")
    assert [r.worker for r in _rows(db)] == ["new-host:2"]
