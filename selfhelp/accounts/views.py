"""Sign-up, email verification, login, logout, password reset and accepting a staff invitation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from selfhelp import clock
from selfhelp.accounts import forms, services
from selfhelp.accounts import session as login_session
from selfhelp.accounts.tokens import TokenError, peek_token
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.i18n import select_locale
from selfhelp.security import client_address

bp = Blueprint("accounts", __name__)

TOKEN_MESSAGES = {
    "unknown": _l("Lenken er ikke gyldig. Sjekk at du brukte hele lenken fra e-posten."),
    "used": _l("Lenken er allerede brukt. Be om en ny hvis du trenger det."),
    "expired": _l("Lenken er utløpt. Be om en ny."),
}


def _token_message(error: TokenError) -> str:
    return str(TOKEN_MESSAGES[error.reason])


@bp.route("/signup", methods=["GET", "POST"])
@validates_csrf_in_form
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = forms.SignupForm()
    if form.validate_on_submit():
        data = services.ResidentSignup(
            name=form.name.data, email=form.email.data, password=form.password.data,
            birth_date=form.birth_date.data, municipality_code=form.municipality.data,
            phone=(form.phone.data or "").strip() or None,
            referral_source=form.referral_source.data, locale=select_locale(),
            gender=form.gender.data or None, work_status=form.work_status.data or None)
        # The same answer whether or not the address has an account (its owner is told by
        # email): nobody learns from sign-up that someone uses a mental-health service. The new
        # person logs in after confirming the address.
        services.register_resident(data, clock.now())
        session[SIGNUP_EMAIL_KEY] = services.normalise_email(form.email.data)
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/signup.html", form=form)


#: The address just signed up with, for the "check your email" page (the same for known ones).
SIGNUP_EMAIL_KEY = "signup_email"


def _unverified_address() -> str | None:
    if current_user.is_authenticated:
        return current_user.email
    return session.get(SIGNUP_EMAIL_KEY)


@bp.route("/signup/check-email")
def check_email():
    email = _unverified_address()
    if email is None:
        return redirect(url_for("accounts.signup"))
    verified = current_user.is_authenticated and current_user.email_verified_at is not None
    return render_template("accounts/check_email.html", form=EmptyForm(), email=email,
                           verified=verified)


@bp.route("/verify/resend", methods=["POST"])
def resend_verification():
    """A new link for an address not confirmed yet; the answer never says whether it exists."""
    email = _unverified_address()
    if email is None:
        return redirect(url_for("accounts.signup"))
    user = services.find_by_email(email)
    if (user is not None and user.email_verified_at is None and user.active
            and user.password_hash is not None):
        services.send_verification(user, clock.now())
    flash(_("Vi har sendt en ny lenke til %(email)s.", email=email), "success")
    return redirect(url_for("accounts.check_email"))


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token, clock.now())
    except TokenError as error:
        return render_template("accounts/token_problem.html", message=_token_message(error)), 400
    flash(_("Takk! E-postadressen din er bekreftet."), "success")
    if not current_user.is_authenticated:
        # The link confirms the address; it never logs anyone in.
        return redirect(url_for("accounts.login"))
    return redirect(url_for("pages.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@validates_csrf_in_form
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = forms.LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         client_address(), clock.now())
        except services.AccountError as error:
            # A wrong password is recorded for throttling (the page answers 200, so it is kept).
            if error.code == "throttled":
                status = 429
                form.form_errors.append(_("For mange mislykkede forsøk. Vent 15 minutter og prøv "
                                          "igjen, eller be om nytt passord."))
            else:
                form.form_errors.append(_("E-post eller passord er feil."))
        else:
            # Staff go on to the second factor; see accounts/session.py for the login boundary.
            return login_session.begin_login(user, request.args.get("next"))
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    login_session.end_session()
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("pages.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@validates_csrf_in_form
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, clock.now())
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@validates_csrf_in_form
def reset_password(token: str):
    try:
        peek_token(token, "reset_password", clock.now())
    except TokenError as error:
        return render_template("accounts/token_problem.html", message=_token_message(error),
                               offer_reset=True), 400
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data, clock.now())
        except TokenError as error:
            return render_template("accounts/token_problem.html", message=_token_message(error),
                                   offer_reset=True), 400
        if user.is_staff:  # still the code from the app to give
            flash(_("Passordet er endret."), "success")
        else:
            flash(_("Passordet er endret, og du er logget inn."), "success")
        return login_session.begin_login(user)
    return render_template("accounts/new_password.html", form=form,
                           title=_("Velg nytt passord"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@validates_csrf_in_form
def accept_invitation(token: str):
    try:
        peek_token(token, "invitation", clock.now())
    except TokenError as error:
        return render_template("accounts/token_problem.html", message=_token_message(error)), 400
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.password.data, clock.now())
        except TokenError as error:
            return render_template("accounts/token_problem.html",
                                   message=_token_message(error)), 400
        login_session.end_session()
        flash(_("Velkommen! Kontoen din er klar."), "success")
        return login_session.begin_login(user)
    return render_template("accounts/new_password.html", form=form,
                           title=_("Velg passord for kontoen din"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@validates_csrf_in_form
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data,
                                     clock.now())
        except services.AccountError:
            form.current_password.errors.append(_("Passordet stemmer ikke."))
        else:
            # The stamp changed: keep this session, end the others.
            login_session.refresh_login(current_user._get_current_object())
            flash(_("Passordet er endret."), "success")
            return redirect(url_for("pages.dashboard"))
    return render_template("accounts/change_password.html", form=form)
