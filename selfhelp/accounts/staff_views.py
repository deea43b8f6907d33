"""Admins invite and manage staff; staff keep their own profile."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import forms, services, twofactor
from selfhelp.accounts.models import User
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.i18n import select_locale
from selfhelp.security import password_confirmation_required, roles_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _details(form) -> services.StaffDetails:
    return services.StaffDetails(
        name=form.name.data, display_name=form.display_name.data, roles=form.roles.data,
        municipality_codes=form.municipalities.data or [],
        qualifications=form.qualifications.data or [])


def _managed_staff_member(user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None or user not in services.staff_members(current_user):
        abort(404)
    return user


@bp.route("/")
@roles_required("admin")
def index():
    return render_template("accounts/staff_list.html", staff=services.staff_members(current_user),
                           resend_form=EmptyForm())


@bp.route("/invite", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def invite():
    form = forms.InviteStaffForm()
    if not form.is_submitted():
        form.municipalities.data = sorted(current_user.municipality_codes)
    if form.validate_on_submit():
        try:
            services.invite_staff(current_user, form.email.data, _details(form), select_locale(),
                                  clock.now())
        except services.AccountError:
            form.email.errors.append(_("Det finnes allerede en konto med denne e-postadressen."))
        else:
            db.commit()
            flash(_("Invitasjonen er sendt til %(email)s.", email=form.email.data), "success")
            return redirect(url_for("staff.index"))
    return render_template("accounts/staff_invite.html", form=form)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def edit(user_id: int):
    user = _managed_staff_member(user_id)
    form = forms.EditStaffForm()
    if not form.is_submitted():
        form.name.data = user.name
        form.display_name.data = user.display_name
        form.roles.data = sorted(user.role_names - {"resident"})
        form.municipalities.data = sorted(user.municipality_codes)
        form.qualifications.data = sorted(user.qualification_names)
        form.active.data = user.active
    if form.validate_on_submit():
        try:
            services.update_staff(current_user, user, _details(form), form.active.data)
        except services.AccountError:
            form.roles.errors.append(_("Du kan ikke ta bort din egen administratortilgang."))
        else:
            db.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("staff.index"))
    return render_template("accounts/staff_edit.html", form=form, member=user,
                           reset_form=EmptyForm())


@bp.route("/<int:user_id>/resend-invitation", methods=["POST"])
@roles_required("admin")
def resend_invitation(user_id: int):
    user = _managed_staff_member(user_id)
    if user.password_hash is None:
        services.send_invitation(current_user, user, clock.now())
        db.commit()
        flash(_("Ny invitasjon er sendt til %(email)s.", email=user.email), "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/reset-second-factor", methods=["POST"])
@roles_required("admin")
def reset_second_factor(user_id: int):
    """A staff member lost their phone: clear the second factor; they set it up again at next
    login. Written to the audit log."""
    user = _managed_staff_member(user_id)
    twofactor.reset_second_factor(current_user, user, clock.now())
    db.commit()
    flash(_("Totrinnsinnloggingen til %(name)s er nullstilt. Neste gang hen logger inn, må "
            "appen settes opp på nytt.", name=user.name), "success")
    return redirect(url_for("staff.edit", user_id=user.id))


@bp.route("/profile", methods=["GET", "POST"])
@roles_required("guide", "course_leader", "admin")
@validates_csrf_in_form
def profile():
    form = forms.StaffProfileForm()
    if not form.is_submitted():
        form.display_name.data = current_user.display_name
        form.municipalities.data = sorted(current_user.municipality_codes)
        form.qualifications.data = sorted(current_user.qualification_names)
    if form.validate_on_submit():
        services.update_own_staff_profile(current_user, form.display_name.data,
                                          form.municipalities.data or [],
                                          form.qualifications.data or [])
        db.commit()
        flash(_("Profilen er lagret."), "success")
        return redirect(url_for("staff.profile"))
    return render_template("accounts/staff_profile.html", form=form, codes_form=EmptyForm(),
                           unused_codes=twofactor.unused_recovery_codes(current_user))


@bp.route("/profile/recovery-codes", methods=["POST"])
@roles_required("guide", "course_leader", "admin")
@password_confirmation_required
def new_recovery_codes():
    """New recovery codes (the old ones stop working), shown this once."""
    codes = twofactor.new_recovery_codes(current_user, clock.now())
    db.commit()
    return render_template("accounts/recovery_codes.html", codes=codes,
                           target=url_for("staff.profile"), renewed=True)
