"""The person's own account: confirm the password again, accept new terms, change email."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from selfhelp import clock
from selfhelp.accounts import devices, forms, services
from selfhelp.accounts import session as login_session
from selfhelp.accounts.models import SessionEndReason
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.accounts.session import password_confirmation_required
from selfhelp.security import client_address, roles_required, safe_next

bp = Blueprint("accounts_profile", __name__, url_prefix="/account")


@bp.route("/confirm-password", methods=["GET", "POST"])
@login_required
@validates_csrf_in_form
def confirm_password():
    """Asked before sensitive actions (see session.password_confirmation_required)."""
    form = forms.ConfirmPasswordForm()
    target = safe_next(request.args.get("next")) or url_for("pages.dashboard")
    status = 200
    if form.validate_on_submit():
        try:
            services.confirm_password(current_user, form.password.data, client_address(), clock.now())
        except services.AccountError as error:
            if error.code == "throttled":
                status = 429
                form.form_errors.append(_("For mange mislykkede forsøk. Vent 15 minutter og prøv "
                                          "igjen."))
            else:
                form.password.errors.append(_("Passordet stemmer ikke."))
        else:
            login_session.mark_password_confirmed()
            return redirect(target)
    return render_template("accounts/confirm_password.html", form=form), status


@bp.route("/terms", methods=["GET", "POST"])
@login_required
@validates_csrf_in_form
def accept_terms():
    """New terms or privacy notice: residents accept them before going on."""
    target = safe_next(request.args.get("next")) or url_for("pages.dashboard")
    current = current_user.terms_version == current_app.config["TERMS_VERSION"]
    form = forms.AcceptTermsForm()
    if form.validate_on_submit():
        services.accept_terms(current_user, clock.now())
        flash(_("Takk! Du har godtatt vilkårene."), "success")
        return redirect(target)
    return render_template("accounts/accept_terms.html", form=form, already=current)


@bp.route("/email", methods=["GET", "POST"])
@roles_required("resident")
@password_confirmation_required
@validates_csrf_in_form
def change_email():
    form = forms.ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.change_email(current_user, form.email.data, clock.now())
        except services.AccountError as error:
            if error.code == "same_email":
                form.email.errors.append(_("Dette er e-postadressen du har nå."))
            else:
                form.email.errors.append(_("Det finnes allerede en konto med denne "
                                           "e-postadressen."))
        else:
            flash(_("E-postadressen er endret. Vi har sendt en lenke til %(email)s – klikk på "
                    "den for å bekrefte adressen.", email=current_user.email), "success")
            return redirect(url_for("pages.dashboard"))
    return render_template("accounts/change_email.html", form=form)


# --- the person's own login sessions ("Innlogginger") ---------------------------------------

END_SCOPES = ("others", "all")


@bp.route("/sessions")
@login_required
def sessions():
    """Where the person is logged in (browser, system, last seen, this device)."""
    this = getattr(g, "user_session", None)
    rows = devices.open_sessions(current_user, login_session.idle_limit(current_user), clock.now())
    rows.sort(key=lambda row: this is None or row.id != this.id)  # this device first
    return render_template("accounts/sessions.html", rows=rows, this_id=this.id if this else None,
                           form=EmptyForm())


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_one_session(session_id: int):
    this = getattr(g, "user_session", None)
    if this is not None and this.id == session_id:
        return redirect(url_for("accounts_profile.end_sessions", scope="all"))
    if devices.end_one(current_user, session_id, clock.now()):
        flash(_("Du er logget ut på den enheten."), "success")
    return redirect(url_for("accounts_profile.sessions"))


@bp.route("/sessions/end", methods=["GET", "POST"])
@login_required
def end_sessions():
    """Log out on every other device ("others") or everywhere, this browser too ("all");
    asks first."""
    scope = request.values.get("scope")
    if scope not in END_SCOPES:
        return redirect(url_for("accounts_profile.sessions"))
    if request.method == "GET":
        return render_template("accounts/end_sessions.html", scope=scope, form=EmptyForm())
    now = clock.now()
    if scope == "others":
        count = devices.end_all(current_user, SessionEndReason.ELSEWHERE, now,
                                keep=getattr(g, "user_session", None))
        flash(ngettext("Du er logget ut på %(num)d annen enhet.",
                       "Du er logget ut på %(num)d andre enheter.", count), "success")
        return redirect(url_for("accounts_profile.sessions"))
    login_session.end_everywhere(current_user._get_current_object())
    flash(_("Du er logget ut overalt, også her."), "success")
    return redirect(url_for("accounts.login"))
