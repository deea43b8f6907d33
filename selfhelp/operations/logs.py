"""Structured logs: one JSON object per line, each carrying the request id.

Every request gets an id: the proxy's X-Request-ID when the proxy is trusted (TRUSTED_PROXIES
above 0, and the value looks like an id), else a new random one. It is sent back in the
X-Request-ID response header and put on every log line written while the request runs, so a
resident's "it failed at 14:02" can be followed through the proxy, the app and the database log.

Log lines never carry emails, names or health data: the access line names the endpoint (not the
path, which can hold tokens), the status and the duration; messages are written with ids only,
and as a last guard anything that looks like an email address is masked by the formatter.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

from selfhelp.operations.metrics import observe_request

log = logging.getLogger("selfhelp.requests")

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Puts the running request's id on each record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _EMAIL.sub("[email]", record.getMessage()),
            "request_id": current_request_id() or (
                None if getattr(record, "request_id", "-") == "-" else record.request_id),
        }
        for key in ("endpoint", "method", "status", "duration_ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["error"] = _EMAIL.sub("[email]", self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure_logging(json_lines: bool, level: int = logging.INFO) -> None:
    """Send every logger's lines to stderr (systemd's journal), as JSON lines or plain text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def init_app(app: Flask) -> None:
    if app.config.get("ENVIRONMENT") == "production":
        # Each gunicorn worker builds its app: from then on every line is a JSON line.
        configure_logging(json_lines=app.config.get("LOG_FORMAT") == "json")
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0) > 0
    warned: list[bool] = []

    @app.before_request
    def _start():
        given = request.headers.get(REQUEST_ID_HEADER, "") if trusted else ""
        g.request_id = given if _GOOD_ID.fullmatch(given) else secrets.token_hex(8)
        g.request_started = time.perf_counter()
        if not trusted and not warned and "X-Forwarded-Proto" in request.headers:
            warned.append(True)
            log.warning("requests arrive through a proxy but SELFHELP_TRUSTED_PROXIES is 0: "
                        "https and client addresses are not seen (see `selfhelp check`)")

    @app.after_request
    def _finish(response):  # noqa: ANN001, ANN202 - a Flask after_request hook
        started = g.get("request_started")
        if started is None:
            return response
        seconds = time.perf_counter() - started
        observe_request(request.endpoint, request.method, seconds)
        response.headers[REQUEST_ID_HEADER] = g.request_id
        log.info("request", extra={"endpoint": request.endpoint or "unmatched",
                                   "method": request.method, "status": response.status_code,
                                   "duration_ms": round(seconds * 1000, 1)})
        return response
