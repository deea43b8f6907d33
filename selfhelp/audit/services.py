"""The one way staff access to a resident's data is recorded (``audit.queries`` reads the
record). Nothing here edits or deletes."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import insert

from selfhelp.accounts.models import User
from selfhelp.audit.models import AuditEvent
from selfhelp.db import db
from selfhelp.audit.models import AuditAction

ACTIONS = tuple(AuditAction)


def _address() -> str | None:
    return (request.remote_addr or None) if has_request_context() else None


def record(actor: User, role: str, resident_ids: Iterable[int | None], what: str,
           action: str, now: datetime, record_id: int | None = None) -> None:
    """Record that `actor`, acting as `role`, did `action` on `what` for each resident."""
    if action not in ACTIONS:
        raise ValueError(action)
    address = _address()
    rows = [dict(actor_id=actor.id, role=role, resident_id=resident_id, what=what,
                 record_id=record_id, action=action, at=now, address=address)
            for resident_id in dict.fromkeys(resident_ids)]
    if rows:
        # One statement for a whole roster, not one per person.
        db.execute(insert(AuditEvent), rows)
