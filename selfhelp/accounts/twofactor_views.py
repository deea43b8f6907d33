"""The second login step for staff: set up an authenticator app, or give a code."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import forms, session as login_session, twofactor
from selfhelp.accounts.throttle import clear_failures, is_throttled, record_failure
from selfhelp.security import client_address
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form

bp = Blueprint("twofactor", __name__, url_prefix="/login/two-factor")


def _start_over():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return redirect(url_for("accounts.login"))


def _done():
    return redirect(login_session.pending_next() or url_for("pages.dashboard"))


def _throttled(user, form) -> bool:
    if is_throttled(user.email, client_address(), clock.now()):
        form.form_errors.append(_("For mange mislykkede forsøk. Vent 15 minutter og prøv igjen."))
        return True
    return False


@bp.route("/", methods=["GET", "POST"])
@validates_csrf_in_form
def verify():
    """Password was right: now the code from the app (or a recovery code)."""
    user = login_session.pending_user()
    if user is None:
        return _start_over()
    if not user.has_second_factor:
        return redirect(url_for("twofactor.enrol"))
    form = forms.SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if _throttled(user, form):
            status = 429
        elif twofactor.check_second_factor(user, form.code.data, clock.now()):
            target = _done()
            clear_failures(user.email)
            login_session.complete_login(user, second_factor=True)
            db.commit()
            return target
        else:
            record_failure(user.email, client_address(), clock.now())
            db.commit()
            form.code.errors.append(_("Koden stemmer ikke, eller er allerede brukt. "
                                      "Vent på neste kode og prøv igjen."))
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
        return redirect(url_for("twofactor.verify"))
    twofactor.start_enrolment(user)
    db.commit()
    form = forms.SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if _throttled(user, form):
            status = 429
        else:
            codes = twofactor.confirm_enrolment(user, form.code.data, clock.now())
            if codes is not None:
                target = login_session.pending_next() or url_for("pages.dashboard")
                clear_failures(user.email)
                login_session.complete_login(user, second_factor=True)
                db.commit()
                # Rendered in this response (not stored anywhere to show later): shown once.
                return render_template("accounts/recovery_codes.html", codes=codes, target=target)
            record_failure(user.email, client_address(), clock.now())
            db.commit()
            form.code.errors.append(_("Koden stemmer ikke. Sjekk at klokka på telefonen er riktig, "
                                      "og skriv den koden appen viser nå."))
    return render_template("accounts/two_factor_setup.html", form=form,
                           qr=twofactor.qr_data_uri(user),
                           secret=twofactor.grouped_secret(user.totp_secret)), status
