"""The retention job: purge the clinical records of closed accounts whose retention period has
run out (what is due and what is deleted: ``privacy/closure.py``).

Like every job: select what is due, claim one account with a conditional UPDATE (so two
schedulers never purge the same account twice), purge it in its own unit of work, and take the
next. The same hourly job deletes drafts of course applications that can no longer be sent
(``courses/services/drafts.delete_stale``).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from sqlalchemy import update

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.courses.services import drafts
from selfhelp.db import db, unit_of_work
from selfhelp.privacy.closure import due_account_ids, purge_account

log = logging.getLogger(__name__)


def _claim(user_id: int, now: datetime) -> bool:
    return db.execute(update(User).where(User.id == user_id, User.closed_at.is_not(None),
                                         User.purged_at.is_(None))
                      .values(purged_at=now).execution_options(synchronize_session=False)).rowcount == 1


def purge_next(now: datetime) -> int | None:
    """Purge one closed account whose retention ran out; its id, or None when nothing is due."""
    for user_id in due_account_ids(now):
        if _claim(user_id, now):
            purge_account(user_id)
            return user_id
    return None


def purge_everything_due(now: Callable[[], datetime], stop: Callable[[], bool] | None = None) -> int:
    """Purge due accounts one transaction each until none is left; how many were purged."""
    purged = 0
    while not (stop and stop()):
        with unit_of_work():
            user_id = purge_next(now())
        if user_id is None:
            break
        log.info("privacy: purged the clinical records of closed account %s", user_id)
        purged += 1
    return purged


def delete_stale_drafts(now: datetime) -> int:
    """Course applications begun and never sent, to cohorts that no longer take applications."""
    with unit_of_work():
        deleted = drafts.delete_stale(clock.local(now).date())
    if deleted:
        log.info("privacy: deleted %s application drafts that can no longer be sent", deleted)
    return deleted


def purge_closed_accounts_job(app: Flask, stop: threading.Event) -> None:
    with app.app_context():
        purge_everything_due(clock.now, stop=stop.is_set)
        delete_stale_drafts(clock.now())
