"""A resident's data and account: the Konto page (every account setting in one place), download
everything, close the account; and the admin's retention setting."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import session as login_session
from selfhelp.accounts.models import SessionEndReason
from selfhelp.accounts.services import AccountError, confirm_password
from selfhelp.forms import validates_csrf_in_form
from selfhelp.i18n import current_locale
from selfhelp.privacy import account as account_page, closure, export, forms, queries
from selfhelp.security import client_address, roles_required

bp = Blueprint("privacy", __name__)


def _password_ok(field) -> bool:
    """Check the re-entered password; failures count towards the login limit (no guessing here)."""
    try:
        confirm_password(current_user, field.data or "", client_address(), clock.now())
    except AccountError as error:
        # A wrong password is recorded for throttling; the form answers 200, so it is kept.
        field.errors.append(_("For mange mislykkede forsøk. Vent 15 minutter og prøv igjen.")
                            if error.code == "throttled" else _("Passordet stemmer ikke."))
        return False
    return True


@bp.route("/account")
@roles_required("resident")
def account():
    """Konto: what the account holds and where each setting is changed."""
    return render_template("privacy/account.html", **account_page.summary(current_user, clock.now()),
                           years=closure.retention_years(current_user.municipality_code))


@bp.route("/account/privacy")
@roles_required("resident")
def index():
    """The old "your data" page: its content is on the Konto page now (kept for bookmarks)."""
    return redirect(url_for("privacy.account") + "#account-data", code=301)


@bp.route("/account/export", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def export_data():
    form = forms.ExportForm()
    if form.validate_on_submit() and _password_ok(form.password):
        now = clock.now()
        data = queries.export_of(current_user, current_locale(), now)
        headers = {"Cache-Control": "no-store"}
        if request.form.get("format") == "json":
            name = f"selfhelp-mine-data-{clock.local(now):%Y-%m-%d}.json"
            return Response(export.as_json(data), mimetype="application/json", headers={
                **headers, "Content-Disposition": f'attachment; filename="{name}"'})
        return Response(export.as_html(data), mimetype="text/html", headers=headers)
    return render_template("privacy/export_form.html", form=form)


@bp.route("/account/close", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def close():
    form = forms.CloseForm()
    years = closure.retention_years(current_user.municipality_code)
    staff = current_user.is_staff
    if not staff and form.validate_on_submit() and _password_ok(form.password):
        try:
            closure.close_account(current_user, clock.now())
        except closure.ClosureError:
            pass  # staff, or closed meanwhile (a double click): nothing was changed
        else:
            # Every session row ended with the account; this forgets it and the kept texts.
            login_session.end_session(SessionEndReason.CLOSED)
            return redirect(url_for("privacy.closed"))
    return render_template("privacy/close.html", form=form, years=years, staff=staff)


@bp.route("/account/closed")
def closed():
    return render_template("privacy/closed.html")


@bp.route("/admin/retention", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def retention():
    codes = sorted(current_user.municipality_codes)
    form = forms.RetentionForm()
    if not form.is_submitted():
        form.years.data = closure.retention_years(codes[0] if codes else None)
    if form.validate_on_submit():
        closure.set_retention_years(current_user, form.years.data)
        flash(_("Lagringstiden er lagret."), "success")
        return redirect(url_for("privacy.retention"))
    return render_template("privacy/retention.html", form=form, codes=codes)
