"""The second login step for staff: set up an authenticator app, or give a code."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import forms, session as login_session, twofactor
from selfhelp.security import client_address
from selfhelp.db import keep_writes
from selfhelp.forms import validates_csrf_in_form

bp = Blueprint("accounts_twofactor", __name__, url_prefix="/login/two-factor")


def _start_over():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return redirect(url_for("accounts.login"))


def _done():
    return redirect(login_session.pending_next() or url_for("pages.dashboard"))


THROTTLED = _l("For mange mislykkede forsøk. Vent 15 minutter og prøv igjen.")


@bp.route("/", methods=["GET", "POST"])
@validates_csrf_in_form
def verify():
    """Password was right: now the code from the app (or a recovery code)."""
    user = login_session.pending_user()
    if user is None:
        return _start_over()
    if not user.has_second_factor:
        return redirect(url_for("accounts_twofactor.enrol"))
    form = forms.SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        target = _done()
        try:
            twofactor.pass_second_factor(user, form.code.data, client_address(), clock.now())
        except twofactor.SecondFactorRefused as refused:
            if refused.code == "throttled":
                status = 429
                form.form_errors.append(str(THROTTLED))
            else:
                form.code.errors.append(_("Koden stemmer ikke, eller er allerede brukt. "
                                          "Vent på neste kode og prøv igjen."))
        else:
            login_session.complete_login(user, second_factor=True)
            return target
    return render_template("accounts/two_factor.html", form=form), status


@bp.route("/setup", methods=["GET", "POST"])
@validates_csrf_in_form
def enrol():
    """First login (or after an admin reset): scan the QR code, confirm with a code, and get the
    recovery codes, shown this once."""
    user = login_session.pending_user()
    if user is None:
        return _start_over()
    if user.has_second_factor:
        return redirect(url_for("accounts_twofactor.verify"))
    twofactor.start_enrolment(user)
    form = forms.SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        target = login_session.pending_next() or url_for("pages.dashboard")
        try:
            codes = twofactor.finish_enrolment(user, form.code.data, client_address(), clock.now())
        except twofactor.SecondFactorRefused as refused:
            if refused.code == "throttled":
                status = 429
                form.form_errors.append(str(THROTTLED))
                keep_writes()  # the secret in the QR code shown with this answer
            else:
                form.code.errors.append(_("Koden stemmer ikke. Sjekk at klokka på telefonen er "
                                          "riktig, og skriv den koden appen viser nå."))
        else:
            login_session.complete_login(user, second_factor=True)
            # Rendered in this response (not stored anywhere to show later): shown once.
            return render_template("accounts/recovery_codes.html", codes=codes, target=target)
    return render_template("accounts/two_factor_setup.html", form=form,
                           qr=twofactor.qr_data_uri(user),
                           secret=twofactor.grouped_secret(user.totp_secret)), status
