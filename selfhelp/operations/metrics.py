"""Prometheus metrics (prometheus-client).

Two kinds of numbers, aggregated differently across gunicorn workers:

* **Request latency** (`selfhelp_request_duration_seconds`, per endpoint name — never the path,
  which carries ids and tokens) is measured in each web worker. With several workers, set
  `PROMETHEUS_MULTIPROC_DIR` to an empty directory (deploy/gunicorn.conf.py does, and clears it
  at start): every worker then writes its samples to files there, and a scrape — whichever
  worker answers it — adds up all workers' files (prometheus-client's multiprocess mode; the
  gunicorn config's `child_exit` hook marks a dead worker's files). Without the variable (one
  process, `selfhelp serve`) the numbers live in this process's memory.
* **Everything else** — outbox backlog, notices sent per channel, scheduler passes and their
  duration, open risk flags by age, waiting-list lengths — is read from the database at scrape
  time (operations.queries.metrics_snapshot, five queries). These are the same whichever worker
  answers and need no aggregation; the scheduler process (which is never scraped) reports
  through its heartbeat rows.

No label carries personal data: endpoint names, channels, job ids, flag kinds, course codes and
municipality numbers only.
"""
from __future__ import annotations

import os
from datetime import datetime

from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from selfhelp.operations.queries import Snapshot

#: The web workers' own metrics (not the library's global registry, so tests and several apps
#: in one process do not collide).
REQUESTS = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "selfhelp_request_duration_seconds", "Time to answer a request, per endpoint name.",
    ["endpoint", "method"], registry=REQUESTS,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))


def observe_request(endpoint: str | None, method: str, seconds: float) -> None:
    # Unknown addresses (404 before routing) share one label, so junk URLs add no series.
    REQUEST_SECONDS.labels(endpoint or "unmatched", method).observe(seconds)


def _families(snap: Snapshot, now: datetime) -> list[Metric]:
    outbox = GaugeMetricFamily("selfhelp_outbox_notifications",
                               "Notifications in the outbox by backlog state.", labels=["state"])
    outbox.add_metric(["due"], snap.outbox_due)
    outbox.add_metric(["deferred"], snap.outbox_deferred)
    outbox.add_metric(["failed"], snap.outbox_failed)
    oldest = GaugeMetricFamily("selfhelp_outbox_oldest_due_age_seconds",
                               "Age of the oldest notification that is due and not yet sent.",
                               value=snap.outbox_oldest_due_seconds)
    sent = GaugeMetricFamily("selfhelp_notices_sent", "Notices sent, per channel (rows in the "
                             "outbox marked sent).", labels=["channel"])
    for channel, count in sorted(snap.sent.items()):
        sent.add_metric([channel], count)
    flags = GaugeMetricFamily("selfhelp_open_risk_flags", "Open risk flags and assessment tasks "
                              "by age.", labels=["kind", "age"])
    for (kind, age), count in sorted(snap.open_flags.items()):
        flags.add_metric([kind, age], count)
    waiting = GaugeMetricFamily("selfhelp_waiting_list_length", "Applications on a waiting list.",
                                labels=["course", "municipality"])
    for (course, municipality), count in sorted(snap.waiting.items()):
        waiting.add_metric([course, municipality], count)
    passes = CounterMetricFamily("selfhelp_scheduler_passes", "Scheduler job runs (all "
                                 "schedulers).", labels=["job"])
    failures = CounterMetricFamily("selfhelp_scheduler_failures", "Scheduler job runs that "
                                   "failed.", labels=["job"])
    seconds = CounterMetricFamily("selfhelp_scheduler_pass_seconds", "Time spent in scheduler "
                                  "job runs (rate / passes rate = mean duration).", labels=["job"])
    last = GaugeMetricFamily("selfhelp_scheduler_last_pass_seconds", "Duration of the slowest "
                             "scheduler's last run of the job.", labels=["job"])
    age = GaugeMetricFamily("selfhelp_scheduler_heartbeat_age_seconds", "Seconds since any "
                            "scheduler last finished the job.", labels=["job"])
    for job, (count, failed, total, last_seconds, beat) in sorted(snap.jobs.items()):
        passes.add_metric([job], count)
        failures.add_metric([job], failed)
        seconds.add_metric([job], total)
        last.add_metric([job], last_seconds)
        age.add_metric([job], max(0.0, (now - beat).total_seconds()))
    return [outbox, oldest, sent, flags, waiting, passes, failures, seconds, last, age]


class _Fixed:
    """A collector that yields metric families computed before the scrape."""

    def __init__(self, families: list[Metric]):
        self.families = families

    def collect(self):
        return iter(self.families)


def render(snap: Snapshot, now: datetime) -> bytes:
    """The text exposition: this instance's request metrics plus the database's numbers."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
    registry.register(_Fixed(_families(snap, now)))
    return generate_latest(registry)
