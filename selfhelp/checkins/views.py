"""Guide pages: queue, caseload, the one-page check-in screen and its switches, snippets, absence."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.checkins import forms, services
from selfhelp.checkins.access import visible_assignments
from selfhelp.checkins.models import Checkin, GuideAssignment, Snippet
from selfhelp.checkins.queue import caseload, queue
from selfhelp.checkins.screen import screen_context
from selfhelp.content import get_catalogue
from selfhelp.content.model import Program
from selfhelp.db import db
from selfhelp.forms import csrf_is_valid, posted_id, validates_csrf_in_form
from selfhelp.measures.definitions import get_measures
from selfhelp.care import services as care
from selfhelp.care.forms import ERRORS as CARE_ERRORS
from selfhelp.measures.models import RiskFlag
from selfhelp.programs import services as programs
from selfhelp.programs.models import Enrolment
from selfhelp.security import roles_required

bp = Blueprint("guide", __name__, url_prefix="/guide")

ACTIONS = {"unlock": _l("Åpne neste modul nå"), "pause": _l("Sett programmet på pause"),
           "resume": _l("Fortsett programmet"), "extend": _l("Forleng programmet med to uker"),
           "questionnaire": _l("Send et ekstra spørreskjema")}
ERRORS = {"not_submitted": _l("Sjekk-inn er allerede besvart."),
          "empty": _l("Skriv noe før du sender.")}


@dataclass
class Case:
    resident: User
    assignment: GuideAssignment
    enrolment: Enrolment
    program: Program


def _case(resident_id: int) -> Case:
    """A resident this guide works with (own or covered); anyone else is 'not found'."""
    row = db.execute(visible_assignments(current_user, clock.local(clock.now()).date())
                     .where(GuideAssignment.resident_id == resident_id)
                     .add_columns(Enrolment).join(Enrolment, Enrolment.id == GuideAssignment.enrolment_id)
                     .limit(1)).first()
    if row is None:
        abort(404)
    assignment, enrolment = row
    program = get_catalogue().programs.get(enrolment.program_slug)
    if program is None:
        abort(404)
    return Case(db.get(User, resident_id), assignment, enrolment, program)


def _back(resident_id: int, anchor: str = ""):
    return redirect(url_for("guide.resident", resident_id=resident_id) + anchor)


@bp.route("/")
@roles_required("guide")
def index():
    rows = queue(current_user, clock.now())
    audit(current_user, "guide", [r.resident.id for r in rows], "guide_queue", "view", clock.now())
    db.commit()
    return render_template("checkins/queue.html", rows=rows, now=clock.now())


@bp.route("/caseload")
@roles_required("guide")
def caseload_page():
    rows = caseload(current_user, clock.now())
    audit(current_user, "guide", [r.resident.id for r in rows], "caseload", "view", clock.now())
    db.commit()
    return render_template("checkins/caseload.html", rows=rows)


@bp.route("/residents/<int:resident_id>")
@roles_required("guide")
def resident(resident_id: int):
    case = _case(resident_id)
    now = clock.now()
    ctx = screen_context(current_user, case.resident, case.enrolment, case.program, now)
    services.mark_read(current_user, case.resident.id, now)
    audit(current_user, "guide", [case.resident.id], "checkin_screen", "view", now,
          record_id=ctx["checkin"].id if ctx["checkin"] else None)
    db.commit()
    return render_template("checkins/screen.html", case=case, actions=ACTIONS, **ctx)


@bp.route("/residents/<int:resident_id>/feedback", methods=["POST"])
@roles_required("guide")
@validates_csrf_in_form
def feedback(resident_id: int):
    """Publish feedback, save the draft, or insert a snippet (without JavaScript)."""
    case = _case(resident_id)
    now = clock.now()
    checkin = db.get(Checkin, posted_id("checkin_id"))
    if checkin is None or checkin.enrolment_id != case.enrolment.id:
        abort(404)
    form = forms.FeedbackForm()
    body = request.form.get("body", "")
    if not csrf_is_valid(request.form.get("csrf_token")):
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=False), 400
        flash(_("Siden var utløpt. Teksten er lagret som utkast – send på nytt."), "error")
        services.save_draft(current_user, checkin, body, now)
        db.commit()
        return _back(resident_id, "#feedback")
    if request.form.get("do") in ("draft", "snippet") or request.accept_mimetypes.best == "application/json":
        if request.form.get("do") == "snippet":
            body = _with_snippet(body, case)
        services.save_draft(current_user, checkin, body, now)
        db.commit()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=True, saved_at=clock.local(now).strftime("%H:%M"))
        return _back(resident_id, "#feedback")
    if not form.validate():
        services.save_draft(current_user, checkin, body, now)
        db.commit()
        for message in [*form.body.errors, *form.minutes.errors]:
            flash(message, "error")
        return _back(resident_id, "#feedback")
    try:
        services.publish_feedback(current_user, checkin, body, form.minutes.data, now)
    except services.CheckinError as error:
        db.rollback()
        flash(str(ERRORS.get(error.code, error.code)), "error")
        return _back(resident_id, "#feedback")
    audit(current_user, "guide", [case.resident.id], "feedback", "create", now, record_id=checkin.id)
    db.commit()
    flash(_("Tilbakemeldingen er sendt, og sjekk-inn er lukket."), "success")
    return redirect(url_for("guide.index"))


def _with_snippet(body: str, case: Case) -> str:
    snippet = db.get(Snippet, posted_id("snippet"))
    if snippet is None or snippet.owner_id not in (None, current_user.id):
        return body
    module = case.program.module(case.enrolment.current_module or "") or case.program.modules[0]
    text = services.fill_snippet(snippet.body, case.resident.first_name, module.text("nb").title)
    return f"{body.rstrip()}\n\n{text}".strip()


@bp.route("/residents/<int:resident_id>/messages", methods=["POST"])
@roles_required("guide")
@validates_csrf_in_form
def message(resident_id: int):
    case = _case(resident_id)
    form = forms.MessageForm()
    if not form.validate_on_submit():
        flash(_("Skriv en melding før du sender."), "error")
        return _back(resident_id, "#thread")
    services.post_message(current_user, case.resident, form.text.data, clock.now())
    audit(current_user, "guide", [case.resident.id], "message", "create", clock.now())
    db.commit()
    flash(_("Meldingen er sendt."), "success")
    return _back(resident_id, "#thread")


@bp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
@roles_required("guide")
@validates_csrf_in_form
def acknowledge(flag_id: int):
    """Kept for old links and forms: the follow-up itself is care.services.acknowledge."""
    flag = db.get(RiskFlag, flag_id)
    if flag is None:
        abort(404)
    _case(flag.resident_id)
    form = forms.AcknowledgeForm()
    try:
        if not form.validate_on_submit():
            raise care.CareError("note_missing")
        care.acknowledge(current_user, flag, request.form.get("outcome", ""), form.note.data, clock.now())
    except care.CareError as error:
        db.rollback()
        flash(str(CARE_ERRORS[error.code]), "error")
        return _back(flag.resident_id, "#flags")
    audit(current_user, "guide", [flag.resident_id], "risk_flag", "change", clock.now(), record_id=flag.id)
    db.commit()
    flash(_("Oppfølgingen er registrert."), "success")
    return _back(flag.resident_id, "#flags")


@bp.route("/residents/<int:resident_id>/program", methods=["POST"])
@roles_required("guide")
def program_action(resident_id: int):
    """The switches: open the next module early, pause, resume, extend, send an extra questionnaire."""
    case = _case(resident_id)
    action, now = request.form.get("action"), clock.now()
    if action == "unlock":
        opened = programs.open_next_module(case.enrolment, case.program)
        message = _("Neste modul er åpnet.") if opened else _("Alle modulene er allerede åpne.")
    elif action == "pause":
        programs.pause(case.enrolment)
        message = _("Programmet er satt på pause.")
    elif action == "resume":
        programs.resume(case.enrolment)
        message = _("Programmet går videre.")
    elif action == "extend":
        programs.extend(case.enrolment, 2)
        message = _("Programmet er forlenget med to uker.")
    elif action == "questionnaire" and request.form.get("measure") in get_measures():
        programs.request_questionnaire(current_user, case.enrolment, request.form["measure"], now)
        message = _("Spørreskjemaet er sendt. Innbyggeren ser det på sin side.")
    else:
        abort(400)
    audit(current_user, "guide", [case.resident.id], "program", "change", now, record_id=case.enrolment.id)
    db.commit()
    flash(message, "success")
    return _back(resident_id, "#program")


@bp.route("/snippets", methods=["GET", "POST"])
@roles_required("guide")
@validates_csrf_in_form
def snippets():
    form = forms.SnippetForm()
    if form.validate_on_submit():
        db.add(Snippet(owner_id=None if form.shared.data == "shared" else current_user.id,
                       title=form.title.data, body=form.body.data, created_at=clock.now()))
        db.commit()
        flash(_("Malen er lagret."), "success")
        return redirect(url_for("guide.snippets"))
    return render_template("checkins/snippets.html", form=form,
                           snippets=services.snippets_for(current_user))


@bp.route("/snippets/<int:snippet_id>/delete", methods=["POST"])
@roles_required("guide")
def delete_snippet(snippet_id: int):
    snippet = db.get(Snippet, snippet_id)
    if snippet is None or snippet.owner_id != current_user.id:
        abort(404)
    db.delete(snippet)
    db.commit()
    flash(_("Malen er slettet."), "success")
    return redirect(url_for("guide.snippets"))


@bp.route("/absence", methods=["GET", "POST"])
@roles_required("guide", "admin")
@validates_csrf_in_form
def absence():
    """A guide registers their own absence; an admin may register any guide's in their municipalities."""
    form = forms.AbsenceForm()
    guides = services.guides_for_any(current_user.municipality_codes)
    absent_choices = guides if current_user.has_role("admin") else [current_user]
    form.guide.choices = [(g.id, g.shown_name) for g in absent_choices]
    form.cover.choices = [(g.id, g.shown_name) for g in guides]
    if not form.is_submitted() and current_user.has_role("guide"):
        form.guide.data = current_user.id
    if form.validate_on_submit():
        absent = next((g for g in absent_choices if g.id == form.guide.data), None)
        cover = next((g for g in guides if g.id == form.cover.data), None)
        try:
            if absent is None or cover is None:
                raise services.CheckinError("cover")
            services.add_absence(current_user, absent, cover, form.starts_on.data, form.ends_on.data,
                                 clock.now())
        except services.CheckinError as error:
            if error.code == "dates":
                form.ends_on.errors.append(_("Sluttdatoen må være samme dag eller etter startdatoen."))
            else:
                form.cover.errors.append(_("Velg en annen veileder som stedfortreder."))
        else:
            db.commit()
            flash(_("Fraværet er registrert. Stedfortrederen ser innbyggerne i sin kø så lenge det varer."),
                  "success")
            return redirect(url_for("guide.absence"))
    shown = absent_choices if current_user.has_role("admin") else [current_user]
    return render_template("checkins/absence.html", form=form,
                           absences=services.absences_of_any([g.id for g in shown]))
