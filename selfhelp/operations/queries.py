"""The read side of operations: is this instance ready, should admins be warned, and the numbers
/metrics exposes. Each is a fixed number of queries, however much data there is."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import and_, case, func, or_, select, text

from selfhelp.config import ROOT
from selfhelp.courses.models import Application, Cohort
from selfhelp.db import db
from selfhelp.measures.models import RiskFlag
from selfhelp.notifications.models import Notification
from selfhelp.operations.models import SchedulerHeartbeat

#: /readyz says "not ready" when no scheduler has finished a job for this long.
HEARTBEAT_MAX_AGE = timedelta(minutes=2)
#: The admin banner appears when no scheduler has run for this long ...
BANNER_SCHEDULER_SILENT = timedelta(minutes=10)
#: ... or when at least this many notifications failed for good in the last day.
BANNER_FAILED_SENDS = 10
BANNER_FAILED_WINDOW = timedelta(days=1)
#: Age buckets of open risk flags on /metrics: (label, upper bound).
FLAG_AGE_BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("under_1d", timedelta(days=1)), ("1d_to_3d", timedelta(days=3)),
    ("3d_to_7d", timedelta(days=7)))
FLAG_AGE_OLDEST = "over_7d"


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def database_revisions() -> frozenset[str]:
    """The revision(s) the database says it is at (empty: never migrated)."""
    return frozenset(MigrationContext.configure(db.connection()).get_current_heads())


def last_heartbeat() -> datetime | None:
    return db.scalar(select(func.max(SchedulerHeartbeat.beat_at)))


@dataclass
class Readiness:
    database: bool = False
    migrations: bool = False
    scheduler: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.database and self.migrations and self.scheduler


def readiness(now: datetime) -> Readiness:
    """Ready = the database answers, it is at the code's migration head, and a scheduler
    finished a job within HEARTBEAT_MAX_AGE. Problems are short and name no data."""
    found = Readiness()
    try:
        db.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        found.problems.append(f"database unreachable ({type(error).__name__})")
        return found
    found.database = True
    current, heads = database_revisions(), migration_heads()
    found.migrations = current == heads
    if not found.migrations:
        found.problems.append(f"database at {', '.join(sorted(current)) or 'no revision'}, "
                              f"code at {', '.join(sorted(heads))}: run `selfhelp db-upgrade`")
    beat = last_heartbeat() if found.migrations else None
    found.scheduler = beat is not None and now - beat <= HEARTBEAT_MAX_AGE
    if not found.scheduler:
        found.problems.append("no scheduler heartbeat" if beat is None else
                              f"last scheduler heartbeat {int((now - beat).total_seconds())} s ago")
    return found


@dataclass(frozen=True)
class Banner:
    scheduler_silent_since: datetime | None  # None with silent=True: never ran
    scheduler_silent: bool
    failed_sends: int

    @property
    def shown(self) -> bool:
        return self.scheduler_silent or self.failed_sends >= BANNER_FAILED_SENDS


def banner(now: datetime) -> Banner:
    """What the admin banner says: one query."""
    H, N = SchedulerHeartbeat, Notification
    failed = (select(func.count()).select_from(N)
              .where(N.state == "failed", N.created_at >= now - BANNER_FAILED_WINDOW)
              .scalar_subquery())
    beat, failed_count = db.execute(select(select(func.max(H.beat_at)).scalar_subquery(),
                                           failed)).one()
    return Banner(scheduler_silent_since=beat,
                  scheduler_silent=beat is None or now - beat > BANNER_SCHEDULER_SILENT,
                  failed_sends=failed_count or 0)


# --- /metrics ---------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """Everything /metrics computes from the database, in five queries."""

    outbox_due: int = 0
    outbox_deferred: int = 0
    outbox_failed: int = 0
    outbox_oldest_due_seconds: float = 0.0
    #: channel -> notices sent
    sent: dict[str, int] = field(default_factory=dict)
    #: (kind, age bucket) -> open flags
    open_flags: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (course code, municipality number) -> waitlisted applications
    waiting: dict[tuple[str, str], int] = field(default_factory=dict)
    #: job -> (passes, failures, seconds in total, seconds of the slowest last run, last beat)
    jobs: dict[str, tuple[int, int, float, float, datetime]] = field(default_factory=dict)


def metrics_snapshot(now: datetime) -> Snapshot:
    N, F, H = Notification, RiskFlag, SchedulerHeartbeat
    snap = Snapshot()
    due = and_(N.state == "pending", N.due_at <= now,
               or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now))
    deferred = and_(N.state == "pending", N.next_attempt_at > now)
    row = db.execute(select(
        func.count().filter(due), func.count().filter(deferred),
        func.count().filter(N.state == "failed"),
        func.min(case((due, N.due_at))),
    ).where(N.state.in_(("pending", "failed")))).one()
    snap.outbox_due, snap.outbox_deferred, snap.outbox_failed = row[0], row[1], row[2]
    if row[3] is not None:
        oldest = row[3] if row[3].tzinfo else row[3].replace(tzinfo=now.tzinfo)
        snap.outbox_oldest_due_seconds = max(0.0, (now - oldest).total_seconds())
    snap.sent = dict(db.execute(select(N.channel, func.count()).where(N.state == "sent")
                                .group_by(N.channel)).all())
    bucket = case(*((F.raised_at > now - bound, label) for label, bound in FLAG_AGE_BUCKETS),
                  else_=FLAG_AGE_OLDEST)
    snap.open_flags = {(kind, age): count for kind, age, count in db.execute(
        select(F.kind, bucket, func.count()).where(F.state == "open")
        .group_by(F.kind, bucket))}
    snap.waiting = {(course, municipality): count for course, municipality, count in db.execute(
        select(Cohort.course_code, Cohort.municipality_code, func.count())
        .join(Application, Application.cohort_id == Cohort.id)
        .where(Application.state == "waitlisted")
        .group_by(Cohort.course_code, Cohort.municipality_code))}
    snap.jobs = {job: (passes or 0, failures or 0, seconds or 0.0, last or 0.0, beat)
                 for job, passes, failures, seconds, last, beat in db.execute(
                     select(H.job, func.sum(H.passes), func.sum(H.failures),
                            func.sum(H.seconds_total), func.max(H.last_seconds),
                            func.max(H.beat_at)).group_by(H.job))}
    return snap
