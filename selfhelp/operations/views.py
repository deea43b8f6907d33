"""/healthz (the process answers), /readyz (it can serve: database, migrations, scheduler) and
/metrics (Prometheus, behind a bearer token). None of them needs a login or touches a session."""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from selfhelp import clock
from selfhelp.operations import metrics as prometheus
from selfhelp.operations.queries import metrics_snapshot, readiness

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
def healthz():
    """Alive: the process answers. Says nothing about the database (that is /readyz)."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    found = readiness(clock.now())
    body = {"status": "ready" if found.ready else "unready", "database": found.database,
            "migrations": found.migrations, "scheduler": found.scheduler,
            "problems": found.problems}
    return jsonify(body), 200 if found.ready else 503


@bp.route("/metrics")
def metrics():
    """Prometheus text format. Refused (404) unless SELFHELP_METRICS_TOKEN is set, and (401)
    without `Authorization: Bearer <that token>`."""
    expected = current_app.config.get("METRICS_TOKEN") or ""
    if not expected:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return Response("metrics need the bearer token\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="metrics"',
                         "Content-Type": "text/plain; charset=utf-8"})
    now = clock.now()
    return Response(prometheus.render(metrics_snapshot(now), now), 200,
                    {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})
