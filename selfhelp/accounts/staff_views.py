"""Admins invite and manage staff; staff keep their own profile."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import forms, leader_register, services, twofactor
from selfhelp.accounts.models import LeaderRegistration, Role, User
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.i18n import select_locale
from selfhelp.accounts.session import password_confirmation_required
from selfhelp.security import roles_required

bp = Blueprint("accounts_staff", __name__, url_prefix="/staff")


#: Why a staff change was refused, by AccountError code: (form field, message).
SCOPE_MESSAGES = {
    "email_taken": ("email", _l("Det finnes allerede en konto med denne e-postadressen.")),
    "no_municipality": ("municipalities", _l("Velg minst én kommune.")),
    "municipality_outside": ("municipalities",
                             _l("Du kan bare gi tilgang til kommuner du selv administrerer.")),
    "own_roles": ("roles", _l("Du kan ikke endre dine egne roller eller stenge din egen tilgang. "
                              "Be en annen administrator om det.")),
    "own_municipalities": ("municipalities", _l("Du kan ikke endre hvilke kommuner du selv "
                                                "betjener. Be en annen administrator om det.")),
    "outside_scope": ("roles", _l("Hen betjener også kommuner du ikke administrerer, så du kan "
                                  "ikke endre tilgangen til hen.")),
    "no_role": ("roles", _l("Velg minst én rolle.")),
}

REGISTER_MESSAGES = {
    "own_register": _l("Du kan ikke føre deg selv i kurslederregisteret. Be en annen "
                       "administrator om det."),
    "outside_scope": _l("Hen betjener også kommuner du ikke administrerer, så du kan ikke endre "
                        "registeret for hen."),
    "already_registered": _l("Denne kvalifikasjonen er allerede registrert. Trekk tilbake den "
                             "gamle først hvis den skal erstattes."),
    "prerequisite_missing": _l("KiB-kursleder bygger på KiD-kursleder. Registrer KiD-opplæringen "
                               "først."),
    "course_date_future": _l("Kursdatoen kan ikke være i framtiden."),
    "certificate_missing": _l("Skriv nummeret på kursbeviset eller kurset."),
    "unknown_qualification": _l("Velg kvalifikasjon fra lista."),
    "already_revoked": _l("Registreringen var allerede trukket tilbake."),
}


def _details(form) -> services.StaffDetails:
    return services.StaffDetails(
        name=form.name.data, display_name=form.display_name.data, roles=form.roles.data,
        municipality_codes=form.municipalities.data or [])


def _show_refusal(form, error: services.AccountError) -> None:
    name, message = SCOPE_MESSAGES.get(error.code, ("roles", SCOPE_MESSAGES["outside_scope"][1]))
    getattr(form, name).errors.append(str(message))


def _managed_staff_member(user_id: int) -> User:
    """A staff member this admin sees (serves one of the admin's municipalities), else 404."""
    user = db.get(User, user_id)
    if user is None or user not in services.staff_members(current_user):
        abort(404)
    return user


def _changeable_staff_member(user_id: int) -> User:
    """A staff member this admin may change (serves only the admin's municipalities), else 403."""
    user = _managed_staff_member(user_id)
    if not services.can_manage(current_user, user):
        abort(403)
    return user


@bp.route("/")
@roles_required("admin")
def index():
    return render_template("accounts/staff_list.html", staff=services.staff_members(current_user),
                           resend_form=EmptyForm(), can_manage=services.can_manage)


@bp.route("/invite", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def invite():
    form = forms.InviteStaffForm(admin_codes=current_user.municipality_codes)
    if not form.is_submitted():
        form.municipalities.data = sorted(current_user.municipality_codes)
    if form.validate_on_submit():
        try:
            services.invite_staff(current_user, form.email.data, _details(form), select_locale(),
                                  clock.now())
        except services.AccountError as error:
            _show_refusal(form, error)
        else:
            flash(_("Invitasjonen er sendt til %(email)s.", email=form.email.data), "success")
            return redirect(url_for("accounts_staff.index"))
    return render_template("accounts/staff_invite.html", form=form)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def edit(user_id: int):
    user = _managed_staff_member(user_id)
    if not services.can_manage(current_user, user) and user.id != current_user.id:
        return render_template("accounts/staff_outside.html", member=user), 403
    form = forms.EditStaffForm(admin_codes=current_user.municipality_codes)
    if not form.is_submitted():
        form.name.data = user.name
        form.display_name.data = user.display_name
        form.roles.data = sorted(user.role_names - {Role.RESIDENT})
        form.municipalities.data = sorted(user.municipality_codes)
        form.active.data = user.active
    if form.validate_on_submit():
        try:
            services.update_staff(current_user, user, _details(form), form.active.data)
        except services.AccountError as error:
            _show_refusal(form, error)
        else:
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("accounts_staff.index"))
    return render_template("accounts/staff_edit.html", form=form, member=user,
                           reset_form=EmptyForm(), is_self=user.id == current_user.id)


@bp.route("/<int:user_id>/resend-invitation", methods=["POST"])
@roles_required("admin")
def resend_invitation(user_id: int):
    user = _changeable_staff_member(user_id)
    if user.password_hash is None:
        services.send_invitation(current_user, user, clock.now())
        flash(_("Ny invitasjon er sendt til %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts_staff.index"))


@bp.route("/<int:user_id>/reset-second-factor", methods=["POST"])
@roles_required("admin")
def reset_second_factor(user_id: int):
    """A staff member lost their phone: clear the second factor; they set it up again at next
    login. Written to the audit log."""
    user = _changeable_staff_member(user_id)
    twofactor.reset_second_factor(current_user, user, clock.now())
    flash(_("Totrinnsinnloggingen til %(name)s er nullstilt. Neste gang hen logger inn, må "
            "appen settes opp på nytt.", name=user.name), "success")
    return redirect(url_for("accounts_staff.edit", user_id=user.id))


@bp.route("/profile", methods=["GET", "POST"])
@roles_required("guide", "course_leader", "admin")
@validates_csrf_in_form
def profile():
    form = forms.StaffProfileForm()
    if not form.is_submitted():
        form.display_name.data = current_user.display_name
    if form.validate_on_submit():
        services.update_own_staff_profile(current_user, form.display_name.data)
        flash(_("Profilen er lagret."), "success")
        return redirect(url_for("accounts_staff.profile"))
    return render_template("accounts/staff_profile.html", form=form, codes_form=EmptyForm(),
                           unused_codes=twofactor.unused_recovery_codes(current_user))


@bp.route("/profile/recovery-codes", methods=["POST"])
@roles_required("guide", "course_leader", "admin")
@password_confirmation_required
def new_recovery_codes():
    """New recovery codes (the old ones stop working), shown this once."""
    codes = twofactor.new_recovery_codes(current_user, clock.now())
    return render_template("accounts/recovery_codes.html", codes=codes,
                           target=url_for("accounts_staff.profile"), renewed=True)


# --- the leader register --------------------------------------------------------------------------

@bp.route("/leader-register")
@roles_required("admin")
def leader_register_list():
    """Every entry in force for the staff this admin sees, and the history of revoked ones."""
    staff = services.staff_members(current_user)
    return render_template("accounts/leader_register.html", staff=staff,
                           can_manage=services.can_manage)


@bp.route("/<int:user_id>/leader-register", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def leader_register_member(user_id: int):
    """One staff member's entries: add a completed training, or revoke one (after a confirmation)."""
    member = _managed_staff_member(user_id)
    changeable = services.can_manage(current_user, member) and member.id != current_user.id
    form = forms.LeaderRegistrationForm()
    status = 200
    if form.is_submitted() and not changeable:
        status = 403
        form.form_errors.append(str(REGISTER_MESSAGES[
            "own_register" if member.id == current_user.id else "outside_scope"]))
    elif form.validate_on_submit():
        try:
            leader_register.register(current_user, member, form.qualification.data,
                                     form.course_date.data, form.certificate_number.data,
                                     clock.now(), clock.local(clock.now()).date())
        except services.AccountError as error:
            form.form_errors.append(str(REGISTER_MESSAGES.get(error.code,
                                                              REGISTER_MESSAGES["outside_scope"])))
        else:
            flash(_("Opplæringen er registrert."), "success")
            return redirect(url_for("accounts_staff.leader_register_member", user_id=member.id))
    return render_template("accounts/leader_register_member.html", member=member, form=form,
                           changeable=changeable), status


def _entry_of(member: User, entry_id: int) -> LeaderRegistration:
    entry = db.get(LeaderRegistration, entry_id)
    if entry is None or entry.user_id != member.id:
        abort(404)
    return entry


@bp.route("/<int:user_id>/leader-register/<int:entry_id>/revoke", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def leader_register_revoke(user_id: int, entry_id: int):
    """Ask first, then revoke: the person can no longer lead courses that need it."""
    member = _managed_staff_member(user_id)
    entry = _entry_of(member, entry_id)
    if not services.can_manage(current_user, member) or member.id == current_user.id:
        form = forms.LeaderRegistrationForm(formdata=None)
        form.form_errors.append(str(REGISTER_MESSAGES[
            "own_register" if member.id == current_user.id else "outside_scope"]))
        return render_template("accounts/leader_register_member.html", member=member, form=form,
                               changeable=False), 403
    confirm = EmptyForm()
    if confirm.validate_on_submit():
        try:
            leader_register.revoke(current_user, entry, clock.now())
        except services.AccountError as error:
            flash(str(REGISTER_MESSAGES.get(error.code, REGISTER_MESSAGES["outside_scope"])),
                  "error")
        else:
            flash(_("Registreringen er trukket tilbake."), "success")
        return redirect(url_for("accounts_staff.leader_register_member", user_id=member.id))
    return render_template("accounts/leader_register_revoke.html", member=member, entry=entry,
                           form=confirm)
