"""The scheduler heartbeat: what a scheduler pass writes (the scheduler's job wrapper calls it)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from selfhelp.operations.models import SchedulerHeartbeat

#: Rows of a scheduler process not heard from for this long are removed (a restart has a new pid).
FORGET_AFTER = timedelta(days=7)


def record_pass(session: Session, *, worker: str, job: str, now: datetime, seconds: float,
                failed: bool) -> None:
    """Count one run of `job` by scheduler process `worker`, ended at `now` after `seconds`.

    An UPDATE first and an INSERT only for the process's first run of the job: the row's key
    includes the pid, so no other process ever writes it and the pair cannot race."""
    H = SchedulerHeartbeat
    changed = session.execute(
        update(H).where(H.worker == worker, H.job == job).values(
            beat_at=now, passes=H.passes + 1, failures=H.failures + (1 if failed else 0),
            seconds_total=H.seconds_total + seconds, last_seconds=seconds,
            last_failure_at=now if failed else H.last_failure_at))
    if not changed.rowcount:
        session.add(H(worker=worker, job=job, beat_at=now, passes=1, failures=1 if failed else 0,
                      seconds_total=seconds, last_seconds=seconds,
                      last_failure_at=now if failed else None))
    session.execute(delete(H).where(H.beat_at < now - FORGET_AFTER))
    session.flush()
