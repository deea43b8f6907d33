"""The resident's access log, and the admin's audit search with CSV export."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.accounts.services import find_by_email, staff_members
from selfhelp.audit import services
from selfhelp.audit.forms import AuditSearchForm
from selfhelp.audit.labels import ACTIONS, ROLES, WHAT, action_label, role_label, what_label
from selfhelp.audit.models import AuditEvent
from selfhelp.audit.services import AuditFilter, record
from selfhelp.db import db, get_database
from selfhelp.security import roles_required
from selfhelp.urls import MAX_ID

bp = Blueprint("audit", __name__)


@bp.route("/account/access-log")
@roles_required("resident")
def access_log():
    page = services.access_log(current_user, request.args.get("page", 1, type=int))
    return render_template("audit/access_log.html", page=page, what_label=what_label,
                           action_label=action_label, role_label=role_label)


def _filter_from(form: AuditSearchForm) -> tuple[AuditFilter, bool]:
    """The filter the form asks for; False when the resident named does not exist."""
    wanted = AuditFilter()
    if form.staff.data and str(form.staff.data).isdigit() and not form.staff.errors:
        wanted.actor_id = int(form.staff.data)
    text = (form.resident.data or "").strip()
    if text:
        if text.isdigit():
            person = db.get(User, int(text)) if 0 < int(text) <= MAX_ID else None
        else:
            person = find_by_email(text)
        if person is None:
            return wanted, False
        wanted.resident_id = person.id
    if form.start.data:
        wanted.start = datetime.combine(form.start.data, time(0), tzinfo=clock.OSLO)
    if form.end.data:
        wanted.end = datetime.combine(form.end.data + timedelta(days=1), time(0), tzinfo=clock.OSLO)
    return wanted, True


def _search_form() -> AuditSearchForm:
    form = AuditSearchForm(request.args)
    form.staff.choices = [("", _("Alle ansatte"))] + [
        (str(u.id), f"{u.name} ({u.email})") for u in staff_members(current_user)]
    form.validate()
    if form.staff.data and form.staff.data not in {key for key, _label in form.staff.choices}:
        form.staff.errors = [_("Velg en ansatt fra listen.")]
    return form


@bp.route("/admin/audit")
@roles_required("admin")
def search():
    form = _search_form()
    wanted, found = _filter_from(form)
    if not found:
        form.resident.errors = [_("Fant ingen person med denne e-postadressen eller ID-en.")]
    ok = found and not any(f.errors for f in form)
    page = services.search(current_user, wanted, request.args.get("page", 1, type=int)) if ok else None
    shown = [resident.id for _e, _a, resident in (page.rows if page else []) if resident is not None]
    # Reading the audit log shows residents' names: that is itself a view of their data.
    record(current_user, "admin", shown or [None], "audit_log", "view", clock.now())
    db.commit()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/search.html", form=form, page=page, args=args,
                           what_label=what_label, action_label=action_label, role_label=role_label)


def _csv_safe(value: str) -> str:
    """Stop spreadsheet programs from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.route("/admin/audit.csv")
@roles_required("admin")
def export_csv():
    form = _search_form()
    wanted, found = _filter_from(form)
    if not found or any(f.errors for f in form):
        return search()
    admin = current_user._get_current_object()
    residents = db.scalars(select(AuditEvent.resident_id).where(
        AuditEvent.id.in_(services.scoped_ids(admin, wanted))).distinct()).all()
    record(admin, "admin", [r for r in residents if r is not None] or [None], "audit_log", "export",
           clock.now())
    db.commit()

    # The body is written after this request's context and session are gone: take plain values now.
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
            for event, actor, resident in services.search_all(session, codes, wanted):
                writer.writerow([
                    clock.local(event.at).isoformat(timespec="seconds"), _csv_safe(actor.name),
                    actor.email, roles.get(event.role, event.role), event.resident_id or "",
                    _csv_safe(resident.name) if resident is not None else "",
                    whats.get(event.what, event.what), event.record_id or "",
                    actions.get(event.action, event.action), event.address or ""])
                yield flush()
        finally:
            session.close()

    stamp = clock.local(clock.now()).strftime("%Y%m%d-%H%M")
    return Response(rows(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="tilgangslogg-{stamp}.csv"'})
