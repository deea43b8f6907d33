"""Login throttling, stored in the database so it holds across web workers and restarts."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from selfhelp.accounts.models import LoginFailure
from selfhelp.db import db


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def is_throttled(email: str, address: str, now: datetime) -> bool:
    """True after too many recent failures for this account or from this address.

    The same answer for existing and unknown accounts, so it tells nothing about who has one.
    """
    since = _window_start(now)
    per_email, per_address = db.execute(
        select(
            func.count().filter(LoginFailure.email == email),
            func.count().filter(LoginFailure.address == address),
        ).where(LoginFailure.at > since,
                or_(LoginFailure.email == email, LoginFailure.address == address))
    ).one()
    cfg = current_app.config
    return (per_email >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or per_address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def record_failure(email: str, address: str, now: datetime) -> None:
    db.add(LoginFailure(email=email, address=address, at=now))
    # Old rows are useless; trimming here keeps the table small without a job.
    db.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
    db.flush()


def clear_failures(email: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.email == email))
