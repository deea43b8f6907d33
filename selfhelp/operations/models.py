"""The scheduler's heartbeat: one row per scheduler process and job, updated on every run."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from selfhelp.db import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """What one scheduler process (`worker`, host:pid) last did for one job. /readyz reads the
    freshest `beat_at`; /metrics sums passes, failures and seconds per job. Rows of processes
    gone for a week are pruned by the scheduler itself (operations.services.record_pass)."""

    __tablename__ = "scheduler_heartbeats"

    #: host:pid of the scheduler process (two schedulers = two sets of rows).
    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The job id from selfhelp/scheduler.py JOBS.
    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: When the last run of this job in this process ended.
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    passes: Mapped[int] = mapped_column(Integer, default=0)
    #: Runs that raised an error (they count as passes too).
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: Time spent in all runs, and in the last one.
    seconds_total: Mapped[float] = mapped_column(Float, default=0.0)
    last_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: When the last failed run ended (null: never failed).
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
