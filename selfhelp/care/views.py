"""Staff pages of the owner chain: the open-flags page and one flag's follow-up form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.care import services
from selfhelp.care.forms import ERRORS, OUTCOME_LABELS, follow_up_form
from selfhelp.care.queries import flag_page, open_flags_page, reachable_flag
from selfhelp.forms import validates_csrf_in_form
from selfhelp.security import roles_required, safe_next

bp = Blueprint("care", __name__, url_prefix="/care")


@bp.route("/flags")
@roles_required("admin", "course_leader")
def open_flags():
    """Åpne risikovarsler: every open flag and task the reader's role reaches, oldest first."""
    rows = open_flags_page(current_user, clock.now())
    forms = {r.flag.id: follow_up_form(r.flag.id, formdata=None) for r in rows if r.may_act}
    return render_template("care/open_flags.html", rows=rows, forms=forms,
                           outcomes=OUTCOME_LABELS, back=request.path)


@bp.route("/flags/<int:flag_id>", methods=["GET", "POST"])
@roles_required("guide", "course_leader", "admin")
@validates_csrf_in_form
def flag(flag_id: int):
    """One flag with its history and the follow-up form. Lists post their inline forms here,
    so a mistake comes back on this page with what was typed."""
    now = clock.now()
    reached = reachable_flag(current_user, flag_id, now)
    if reached is None:
        abort(404)
    flag, level = reached
    back = safe_next(request.values.get("next")) or url_for("care.flag", flag_id=flag.id)
    form = follow_up_form(flag.id)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.acknowledge(current_user, flag, form.outcome.data, form.note.data, now)
        except services.CareError as error:
            form.form_errors.append(str(ERRORS[error.code]))
        else:
            flash(_("Oppfølgingen er registrert.") if flag.state != "open" else
                  _("Forsøket er registrert. Varselet står fortsatt åpent."), "success")
            return redirect(back)
    row = flag_page(current_user, flag, level, now)
    return render_template("care/flag.html", row=row, form=form, back=back,
                           outcomes=OUTCOME_LABELS)
