"""The resident's side of guidance: the weekly check-in and the thread with the guide."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.accounts import kept
from selfhelp.accounts.models import KeptForm
from selfhelp.checkins import forms, services
from selfhelp.checkins.access import current_assignment
from selfhelp.checkins.models import CheckinState
from selfhelp.checkins.thread import resident_thread
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form
from selfhelp.programs.models import Enrolment, WorksheetAnswer
from selfhelp.programs.queries import resident_overview
from selfhelp.security import roles_required
from selfhelp.programs.models import EnrolmentState

bp = Blueprint("checkins_resident", __name__)


def _guided_enrolment() -> Enrolment | None:
    programs = get_catalogue().programs
    for enrolment in db.scalars(select(Enrolment).where(Enrolment.resident_id == current_user.id,
                                                        Enrolment.state == EnrolmentState.ACTIVE)
                                .order_by(Enrolment.started_at.desc())):
        program = programs.get(enrolment.program_slug)
        if program is not None and program.guided:
            return enrolment
    return None


@bp.route("/checkin", methods=["GET", "POST"])
@kept.keeps_text(KeptForm.CHECKIN, lambda: "checkin", lambda: url_for("checkins_resident.checkin"))
@roles_required("resident")
@validates_csrf_in_form
def checkin():
    enrolment = _guided_enrolment()
    now = clock.now()
    current = services.current_checkin(enrolment, clock.local(now).date()) if enrolment else None
    if current is None:
        flash(_("Det er ingen sjekk-inn denne uka. Den første kommer én uke etter at du startet."), "info")
        return redirect(url_for("pages.dashboard"))
    form = forms.CheckinForm()
    if current.state == CheckinState.OPEN and form.is_submitted() and kept.stale_form_token():
        return kept.keep_or_show_back(KeptForm.CHECKIN, "checkin", url_for("checkins_resident.checkin"))
    if form.is_submitted() and current.state != CheckinState.OPEN:
        # A double click, or sent from another tab: it is already with the guide.
        flash(_("Sjekk-inn for denne uka er allerede sendt."), "info")
        return redirect(url_for("checkins_resident.messages"))
    if current.state == CheckinState.OPEN and form.validate_on_submit():
        try:
            services.submit_checkin(current_user, current, form.how_it_went.data, now)
        except services.CheckinError:  # the other of two clicks at once got there first
            flash(_("Sjekk-inn for denne uka er allerede sendt."), "info")
            return redirect(url_for("checkins_resident.messages"))
        flash(_("Takk! Sjekk-inn er sendt."), "success")
        return redirect(url_for("checkins_resident.messages") + "#latest-checkin")
    back = kept.put_back(KeptForm.CHECKIN, "checkin") if current.state == CheckinState.OPEN else None
    if back is not None:
        form.how_it_went.data = back.get("how_it_went", "")
    overview = next((o for o in resident_overview(current_user, now) if o.enrolment.id == enrolment.id), None)
    since = current.opens_on
    worksheets = db.scalars(select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id == enrolment.id)).all()
    this_week = [a for a in worksheets if clock.local(a.updated_at).date() >= since - timedelta(days=7)]
    assignment = current_assignment(enrolment.id)
    return render_template("checkins/checkin.html", form=form, checkin=current, overview=overview,
                           worksheet_count=len(this_week), has_guide=assignment is not None,
                           guide=assignment.guide if assignment else None)


@bp.route("/messages", methods=["GET", "POST"])
@kept.keeps_text(KeptForm.MESSAGE, lambda: "messages", lambda: url_for("checkins_resident.messages"))
@roles_required("resident")
@validates_csrf_in_form
def messages():
    form = forms.MessageForm()
    enrolment = _guided_enrolment()
    assignment = current_assignment(enrolment.id) if enrolment else None
    if form.is_submitted() and kept.stale_form_token():
        return kept.keep_or_show_back(KeptForm.MESSAGE, "messages", url_for("checkins_resident.messages"))
    if form.validate_on_submit():
        if assignment is None:
            abort(400)
        services.post_message(current_user, current_user, form.text.data, clock.now(),
                              nonce=form.nonce.data)
        flash(_("Meldingen er sendt til veilederen din."), "success")
        return redirect(url_for("checkins_resident.messages") + "#latest")
    back = kept.put_back(KeptForm.MESSAGE, "messages")
    if back is not None:
        form.text.data, form.nonce.data = back.get("text", ""), back.get("nonce") or form.nonce.data
    thread = resident_thread(current_user, assignment.guide if assignment else None)
    services.mark_read(current_user, current_user.id, clock.now())
    return render_template("checkins/messages.html", form=form, thread=thread, assignment=assignment)
