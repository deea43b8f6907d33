"""The one way staff access to a resident's data is recorded, and the ways the record is read.
Nothing here edits or deletes."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import Select, insert, or_, select
from sqlalchemy.orm import Session, aliased

from selfhelp.accounts.models import StaffMunicipality, User
from selfhelp.audit.models import AuditEvent
from selfhelp.db import db

ACTIONS = ("view", "create", "change", "export")


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


# --- reading the log (never writing to it) --------------------------------------------------------

PAGE_SIZE = 50


@dataclass
class Page:
    rows: list
    page: int
    has_next: bool


#: Beyond any real log; keeps OFFSET inside a 64-bit integer.
MAX_PAGE = 100_000


def access_log(resident: User, page: int = 1) -> Page:
    """Who opened this resident's data and when, newest first, one page at a time.

    Rows are (AuditEvent, actor User). The resident's own exports are in it too."""
    page = min(max(page, 1), MAX_PAGE)  # a huge ?page= must not overflow the OFFSET
    rows = db.execute(select(AuditEvent, User).join(User, User.id == AuditEvent.actor_id)
                      .where(AuditEvent.resident_id == resident.id)
                      .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                      .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return Page(rows=[tuple(r) for r in rows[:PAGE_SIZE]], page=page, has_next=len(rows) > PAGE_SIZE)


@dataclass
class AuditFilter:
    actor_id: int | None = None
    resident_id: int | None = None
    #: Instants (UTC), start inclusive, end exclusive.
    start: datetime | None = None
    end: datetime | None = None


def _scoped(codes: list[str], wanted: AuditFilter) -> Select:
    """Audit events an admin serving `codes` may search: about residents of those municipalities,
    or done by staff serving one of them. Rows are (AuditEvent, actor, resident or None)."""
    actor, resident = aliased(User), aliased(User)
    staff_of_mine = select(StaffMunicipality.user_id).where(
        StaffMunicipality.municipality_code.in_(codes))
    query = (select(AuditEvent, actor, resident)
             .join(actor, actor.id == AuditEvent.actor_id)
             .outerjoin(resident, resident.id == AuditEvent.resident_id)
             .where(or_(resident.municipality_code.in_(codes), AuditEvent.actor_id.in_(staff_of_mine))))
    if wanted.actor_id is not None:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.resident_id is not None:
        query = query.where(AuditEvent.resident_id == wanted.resident_id)
    if wanted.start is not None:
        query = query.where(AuditEvent.at >= wanted.start)
    if wanted.end is not None:
        query = query.where(AuditEvent.at < wanted.end)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def search(admin: User, wanted: AuditFilter, page: int = 1) -> Page:
    page = min(max(page, 1), MAX_PAGE)  # a huge ?page= must not overflow the OFFSET
    query = _scoped(sorted(admin.municipality_codes), wanted)
    rows = db.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return Page(rows=[tuple(r) for r in rows[:PAGE_SIZE]], page=page, has_next=len(rows) > PAGE_SIZE)


def search_all(session: Session, codes: list[str], wanted: AuditFilter,
               batch: int = 1000) -> Iterator[tuple]:
    """Every matching row, fetched in batches on `session` (the streamed CSV export runs after the
    request's own session has closed, so it brings its own)."""
    result = session.execute(_scoped(codes, wanted).execution_options(yield_per=batch))
    for row in result:
        yield tuple(row)


def scoped_ids(admin: User, wanted: AuditFilter) -> Select:
    """The ids of the events search() would return (for a subquery)."""
    query = _scoped(sorted(admin.municipality_codes), wanted)
    return query.with_only_columns(AuditEvent.id).order_by(None)
