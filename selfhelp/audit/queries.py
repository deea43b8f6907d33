"""Reading the audit log: the resident's access log, and the admin's search and CSV export.

Reading the log shows residents' names, so the admin's search and export are themselves
recorded (``services.record``) here, where the page is put together."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from selfhelp import clock
from selfhelp.accounts.models import StaffMunicipality, User
from selfhelp.accounts.services import find_by_email
from selfhelp.audit.labels import ACTIONS, ROLES, WHAT
from selfhelp.audit.models import AuditEvent
from selfhelp.audit.services import record
from selfhelp.db import db, get_database
from selfhelp.routing import MAX_ID
from selfhelp.csv_export import safe_cell

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


# --- the admin's search page and export ---------------------------------------------------------

def wanted_from(staff_id: int | None, resident: str, start: date | None,
                end: date | None) -> AuditFilter | None:
    """The filter a search asks for (dates are whole days in Oslo); None when the resident it
    names (by email or id) does not exist."""
    wanted = AuditFilter(actor_id=staff_id)
    text = (resident or "").strip()
    if text:
        if text.isdigit():
            person = db.get(User, int(text)) if 0 < int(text) <= MAX_ID else None
        else:
            person = find_by_email(text)
        if person is None:
            return None
        wanted.resident_id = person.id
    if start:
        wanted.start = datetime.combine(start, time(0), tzinfo=clock.OSLO)
    if end:
        wanted.end = datetime.combine(end + timedelta(days=1), time(0), tzinfo=clock.OSLO)
    return wanted


def search_page(admin: User, wanted: AuditFilter | None, page: int, now: datetime) -> Page | None:
    """One page of the admin's search (None when the search could not run), recorded as a view
    of the residents it shows."""
    found = search(admin, wanted, page) if wanted is not None else None
    shown = [resident.id for _e, _a, resident in (found.rows if found else []) if resident is not None]
    record(admin, "admin", shown or [None], "audit_log", "view", now)
    return found


def export_csv(admin: User, wanted: AuditFilter, now: datetime) -> Iterator[str]:
    """Every event the search finds, as CSV lines for a streamed download. The export is
    recorded now, for every resident in it: the lines are written after the request's context
    and session are gone (on a session of their own), so they use plain values taken here."""
    residents = db.scalars(select(AuditEvent.resident_id).where(
        AuditEvent.id.in_(scoped_ids(admin, wanted))).distinct()).all()
    record(admin, "admin", [r for r in residents if r is not None] or [None], "audit_log", "export",
           now)
    codes = sorted(admin.municipality_codes)
    database = get_database()
    header = [_("Tidspunkt"), _("Ansatt"), _("Ansattes e-post"), _("Rolle"), _("Innbygger-ID"),
              _("Innbygger"), _("Hva"), _("Post-ID"), _("Handling"), _("Adresse")]
    roles = {key: str(value) for key, value in ROLES.items()}
    whats = {key: str(value) for key, value in WHAT.items()}
    actions = {key: str(value) for key, value in ACTIONS.items()}

    def rows() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")

        def flush() -> str:
            text = out.getvalue()
            out.seek(0)
            out.truncate()
            return text

        writer.writerow(header)
        yield "\ufeff" + flush()
        session = database.sessionmaker()
        try:
            for event, actor, resident in search_all(session, codes, wanted):
                writer.writerow([
                    clock.local(event.at).isoformat(timespec="seconds"), safe_cell(actor.name),
                    actor.email, roles.get(event.role, event.role), event.resident_id or "",
                    safe_cell(resident.name) if resident is not None else "",
                    whats.get(event.what, event.what), event.record_id or "",
                    actions.get(event.action, event.action), event.address or ""])
                yield flush()
        finally:
            session.close()

    return rows()
