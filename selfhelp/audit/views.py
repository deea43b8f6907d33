"""The resident's access log, and the admin's audit search with CSV export."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.services import staff_members
from selfhelp.audit import queries
from selfhelp.audit.forms import AuditSearchForm
from selfhelp.audit.labels import action_label, role_label, staff_what_label, what_label
from selfhelp.security import roles_required

bp = Blueprint("audit", __name__)


@bp.route("/account/access-log")
@roles_required("resident")
def access_log():
    page = queries.access_log(current_user, request.args.get("page", 1, type=int))
    return render_template("audit/access_log.html", page=page, what_label=what_label,
                           action_label=action_label, role_label=role_label)


def _search_form() -> AuditSearchForm:
    form = AuditSearchForm(request.args)
    form.staff.choices = [("", _("Alle ansatte"))] + [
        (str(u.id), f"{u.name} ({u.email})") for u in staff_members(current_user)]
    form.validate()
    if form.staff.data and form.staff.data not in {key for key, _label in form.staff.choices}:
        form.staff.errors = [_("Velg en ansatt fra listen.")]
    return form


def _wanted(form: AuditSearchForm) -> queries.AuditFilter | None:
    """The filter the form asks for; None when it has errors (shown on the form)."""
    staff = form.staff.data
    staff_id = int(staff) if staff and str(staff).isdigit() and not form.staff.errors else None
    wanted = queries.wanted_from(staff_id, form.resident.data or "", form.start.data, form.end.data)
    if wanted is None:
        form.resident.errors = [_("Fant ingen person med denne e-postadressen eller ID-en.")]
    return None if any(f.errors for f in form) else wanted


@bp.route("/admin/audit")
@roles_required("admin")
def search():
    form = _search_form()
    page = queries.search_page(current_user, _wanted(form), request.args.get("page", 1, type=int),
                               clock.now())
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/search.html", form=form, page=page, args=args,
                           what_label=staff_what_label, action_label=action_label,
                           role_label=role_label)


@bp.route("/admin/audit.csv")
@roles_required("admin")
def export_csv():
    wanted = _wanted(_search_form())
    if wanted is None:
        return search()
    now = clock.now()
    rows = queries.export_csv(current_user._get_current_object(), wanted, now)
    stamp = clock.local(now).strftime("%Y%m%d-%H%M")
    return Response(rows, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="tilgangslogg-{stamp}.csv"'})
