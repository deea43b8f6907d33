"""Staff pages of the owner chain: the open-flags page and one flag's follow-up form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care import services
from selfhelp.care.chain import acting_level
from selfhelp.care.forms import ERRORS, OUTCOME_LABELS, follow_up_form
from selfhelp.care.queries import open_flags_for, rows_for
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form
from selfhelp.measures.models import RiskFlag
from selfhelp.security import roles_required
from selfhelp.urls import safe_next

bp = Blueprint("care", __name__, url_prefix="/care")

ROLE_OF_LEVEL = {"guide": "guide", "course_leader": "course_leader", "team": "admin"}


@bp.route("/flags")
@roles_required("admin", "course_leader")
def open_flags():
    """Åpne risikovarsler: every open flag and task the reader's role reaches, oldest first."""
    now = clock.now()
    rows = open_flags_for(current_user, now)
    role = "admin" if current_user.has_role("admin") else "course_leader"
    audit(current_user, role, [r.resident.id for r in rows], "open_flags", "view", now)
    db.commit()
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
    flag = db.get(RiskFlag, flag_id)
    level = acting_level(current_user, flag, now) if flag is not None else None
    if level is None:
        abort(404)
    resident = db.get(User, flag.resident_id)
    role = ROLE_OF_LEVEL[level.value]
    back = safe_next(request.values.get("next")) or url_for("care.flag", flag_id=flag.id)
    form = follow_up_form(flag.id)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.acknowledge(current_user, flag, form.outcome.data, form.note.data, now)
        except services.CareError as error:
            db.rollback()
            form.form_errors.append(str(ERRORS[error.code]))
        else:
            audit(current_user, role, [flag.resident_id], "risk_flag", "change", now, record_id=flag.id)
            db.commit()
            flash(_("Oppfølgingen er registrert.") if flag.state != "open" else
                  _("Forsøket er registrert. Varselet står fortsatt åpent."), "success")
            return redirect(back)
    audit(current_user, role, [flag.resident_id], "risk_flag", "view", now, record_id=flag.id)
    db.commit()
    row = rows_for(current_user, [(flag, resident)], now)[0]
    return render_template("care/flag.html", row=row, form=form, back=back,
                           outcomes=OUTCOME_LABELS)
