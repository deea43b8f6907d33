"""The resident's side of guidance: the weekly check-in and the thread with the guide."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.checkins import forms, services
from selfhelp.checkins.access import current_assignment
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form
from selfhelp.programs.models import Enrolment, WorksheetAnswer
from selfhelp.programs.overview import resident_overview
from selfhelp.security import roles_required

bp = Blueprint("checkin", __name__)


def _guided_enrolment() -> Enrolment | None:
    programs = get_catalogue().programs
    for enrolment in db.scalars(select(Enrolment).where(Enrolment.resident_id == current_user.id,
                                                        Enrolment.state == "active")
                                .order_by(Enrolment.started_at.desc())):
        program = programs.get(enrolment.program_slug)
        if program is not None and program.guided:
            return enrolment
    return None


@bp.route("/checkin", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def checkin():
    enrolment = _guided_enrolment()
    now = clock.now()
    current = services.current_checkin(enrolment, clock.local(now).date()) if enrolment else None
    if current is None:
        flash(_("Det er ingen sjekk-inn denne uka. Den første kommer én uke etter at du startet."), "info")
        return redirect(url_for("pages.dashboard"))
    db.commit()
    form = forms.CheckinForm()
    if current.state == "open" and form.validate_on_submit():
        services.submit_checkin(current_user, current, form.how_it_went.data, now)
        db.commit()
        flash(_("Takk! Veilederen din leser dette og svarer deg."), "success")
        return redirect(url_for("checkin.messages"))
    overview = next((o for o in resident_overview(current_user, now) if o.enrolment.id == enrolment.id), None)
    since = current.opens_on
    worksheets = db.scalars(select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id == enrolment.id)).all()
    this_week = [a for a in worksheets if clock.local(a.updated_at).date() >= since - timedelta(days=7)]
    return render_template("checkins/checkin.html", form=form, checkin=current, overview=overview,
                           worksheet_count=len(this_week),
                           has_guide=current_assignment(enrolment.id) is not None)


@bp.route("/messages", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def messages():
    form = forms.MessageForm()
    enrolment = _guided_enrolment()
    assignment = current_assignment(enrolment.id) if enrolment else None
    if form.validate_on_submit():
        if assignment is None:
            abort(400)
        services.post_message(current_user, current_user, form.text.data, clock.now())
        db.commit()
        flash(_("Meldingen er sendt til veilederen din."), "success")
        return redirect(url_for("checkin.messages") + "#latest")
    thread = services.thread(current_user.id)
    services.mark_read(current_user, current_user.id, clock.now())
    db.commit()
    return render_template("checkins/messages.html", form=form, thread=thread, assignment=assignment)
