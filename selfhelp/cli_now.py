"""The --now option every one-shot job command has (for tests, and for catching up by hand)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click

from selfhelp import clock


def now_option(func):
    return click.option("--now", "now_text", metavar="ISO8601",
                        help="Treat this instant as now, e.g. 2026-03-02T09:00:00+00:00.")(func)


def now_of(now_text: str | None) -> Callable[[], datetime]:
    """clock.now, or the fixed instant given on the command line (it must name its time zone)."""
    if not now_text:
        return clock.now
    try:
        fixed = datetime.fromisoformat(now_text)
    except ValueError:
        raise click.BadParameter("not an ISO 8601 date and time", param_hint="--now") from None
    if fixed.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. +00:00", param_hint="--now")
    return lambda: fixed
