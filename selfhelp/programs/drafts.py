"""Keeping worksheet text that arrives after the login expired, until the person is back."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from selfhelp.db import db
from selfhelp.programs.models import PendingDraft

KEEP_FOR = timedelta(days=7)


def stash(program_slug: str, module_slug: str, exercise_key: str, form: MultiDict,
          now: datetime) -> str:
    key = secrets.token_hex(24)
    pairs = [[name, value] for name, value in form.items(multi=True) if name != "csrf_token"]
    db.add(PendingDraft(key=key, program_slug=program_slug, module_slug=module_slug,
                        exercise_key=exercise_key, form=pairs, created_at=now))
    db.execute(delete(PendingDraft).where(PendingDraft.created_at < now - KEEP_FOR))
    db.flush()
    return key


def take(key: str, program_slug: str, module_slug: str, now: datetime) -> PendingDraft | None:
    """The stashed draft for this module, removed from the stash; None if there is none."""
    draft = db.scalar(select(PendingDraft).where(PendingDraft.key == key))
    if draft is None or (draft.program_slug, draft.module_slug) != (program_slug, module_slug):
        return None
    db.delete(draft)
    if draft.created_at < now - KEEP_FOR:
        return None
    return draft


def as_form(draft: PendingDraft) -> MultiDict:
    return MultiDict([(name, value) for name, value in draft.form])
