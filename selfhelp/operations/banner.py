"""The admin banner: shown on every page an admin sees when no scheduler has run for ten minutes
or failed sends pile up (thresholds in operations.queries). Worked out at most once a minute per
web worker, so admin pages do not pay a query each."""
from __future__ import annotations

import time

from flask import Flask, current_app
from flask_login import current_user

from selfhelp import clock
from selfhelp.operations.queries import BANNER_FAILED_SENDS, Banner, banner

#: Seconds a worker reuses the banner it worked out.
CACHE_SECONDS = 60


def operations_banner() -> Banner | None:
    """The banner for the logged-in admin, or None (nobody else sees it; nothing to say)."""
    if not (current_user.is_authenticated and current_user.has_role("admin")):
        return None
    cache = current_app.extensions.setdefault("operations_banner", {})
    if cache.get("until", 0.0) < time.monotonic():
        cache["value"], cache["until"] = banner(clock.now()), time.monotonic() + CACHE_SECONDS
    found: Banner = cache["value"]
    return found if found.shown else None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(operations_banner=operations_banner,
                                 banner_failed_sends=BANNER_FAILED_SENDS)
