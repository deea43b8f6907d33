"""Guide pages: queue, caseload, the one-page check-in screen and its switches, snippets, absence."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock, dates
from selfhelp.accounts import kept
from selfhelp.accounts.models import KeptForm
from selfhelp.care import services as care
from selfhelp.care.forms import ERRORS as CARE_ERRORS
from selfhelp.checkins import forms, queries, services
from selfhelp.checkins.models import Checkin, Snippet
from selfhelp.checkins.queries import Case
from selfhelp.db import db
from selfhelp.forms import csrf_is_valid, posted_id, validates_csrf_in_form
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import RiskFlag
from selfhelp.programs import services as programs
from selfhelp.security import roles_required
from selfhelp.measures.definitions import measure_name

bp = Blueprint("checkins", __name__, url_prefix="/guide")

ACTIONS = {"unlock": _l("Åpne neste låste modul nå"), "pause": _l("Sett programmet på pause"),
           "resume": _l("Fortsett programmet"), "extend": _l("Forleng programmet med to uker"),
           "questionnaire": _l("Send et ekstra spørreskjema")}
ERRORS = {"not_submitted": _l("Sjekk-inn er allerede besvart."),
          "empty": _l("Skriv noe før du sender.")}


def _case(resident_id: int) -> Case:
    """A resident this guide works with (own or covered); anyone else is 'not found'."""
    case = queries.case_of(current_user, resident_id, clock.local(clock.now()).date())
    if case is None:
        abort(404)
    return case


def _back(resident_id: int, anchor: str = ""):
    return redirect(url_for("checkins.resident", resident_id=resident_id) + anchor)


@bp.route("/")
@roles_required("guide")
def index():
    rows = queries.show_queue(current_user, clock.now())
    return render_template("checkins/queue.html", rows=rows, now=clock.now())


@bp.route("/caseload")
@roles_required("guide")
def caseload_page():
    rows = queries.show_caseload(current_user, clock.now())
    return render_template("checkins/caseload.html", rows=rows)


@bp.route("/residents/<int:resident_id>")
@roles_required("guide")
def resident(resident_id: int):
    case = _case(resident_id)
    now = clock.now()
    ctx = queries.screen_context(current_user, case.resident, case.enrolment, case.program, now)
    _put_back_kept_text(ctx, resident_id)
    services.mark_read(current_user, case.resident.id, now)
    return _render_screen(case, ctx)


def _render_screen(case: Case, ctx: dict):
    return render_template("checkins/screen.html", case=case, actions=ACTIONS,
                           available_actions=programs.available_switches(case.enrolment), **ctx)


def _put_back_kept_text(ctx: dict, resident_id: int) -> None:
    """Feedback or a message the guide wrote when their login had expired (or the page was too
    old) goes back into its form, for them to look over and send."""
    if ctx["checkin"] is not None:
        fields = kept.put_back(KeptForm.FEEDBACK, str(ctx["checkin"].id))
        if fields is not None:
            ctx["feedback_form"].body.data = fields.get("body", "")
    fields = kept.put_back(KeptForm.GUIDE_MESSAGE, str(resident_id))
    if fields is not None:
        ctx["message_form"].text.data = fields.get("text", "")
        ctx["message_form"].nonce.data = fields.get("nonce") or ctx["message_form"].nonce.data


def _screen_url(resident_id: int, anchor: str) -> str:
    return url_for("checkins.resident", resident_id=resident_id) + anchor


@bp.route("/residents/<int:resident_id>/feedback", methods=["POST"])
@kept.keeps_text(KeptForm.FEEDBACK, lambda resident_id: str(posted_id("checkin_id")),
                 lambda resident_id: _screen_url(resident_id, "#feedback"))
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
        # A missing, stale or forged token never touches the draft: the text is kept for this
        # guide only and put back into the form on the screen.
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=False), 400
        return kept.keep_or_show_back(KeptForm.FEEDBACK, str(checkin.id),
                                      _screen_url(resident_id, "#feedback"))
    if request.form.get("do") == "preview":
        # Without JavaScript too: the page again, the text kept (saved as the draft) and shown
        # as the resident will read it.
        services.save_draft(current_user, checkin, body, now)
        ctx = queries.screen_context(current_user, case.resident, case.enrolment, case.program, now)
        ctx["preview"] = services.render_feedback(body)
        if form.minutes.validate(form):
            ctx["feedback_form"].minutes.data = form.minutes.data
        return _render_screen(case, ctx)
    if request.form.get("do") in ("draft", "snippet") or request.accept_mimetypes.best == "application/json":
        if request.form.get("do") == "snippet":
            body = _with_snippet(body, case)
        draft = services.save_draft(current_user, checkin, body, now)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=True, saved_at=dates.clock(now),
                           minutes=services.minutes_spent(draft))
        return _back(resident_id, "#feedback")
    if not form.validate():
        services.save_draft(current_user, checkin, body, now)
        for message in [*form.body.errors, *form.minutes.errors]:
            flash(message, "error")
        return _back(resident_id, "#feedback")
    try:
        services.publish_feedback(current_user, checkin, body, form.minutes.data, now)
    except services.CheckinError as error:
        flash(str(ERRORS.get(error.code, error.code)), "error")
        return _back(resident_id, "#feedback")
    flash(_("Tilbakemeldingen er sendt, og sjekk-inn er lukket."), "success")
    return redirect(url_for("checkins.index"))


def _with_snippet(body: str, case: Case) -> str:
    snippet = db.get(Snippet, posted_id("snippet"))
    if not services.may_use_snippet(current_user, snippet):
        return body
    module = case.program.module(case.enrolment.current_module or "") or case.program.modules[0]
    text = services.fill_snippet(snippet.body, case.resident.first_name, module.text("nb").title)
    return f"{body.rstrip()}\n\n{text}".strip()


@bp.route("/residents/<int:resident_id>/messages", methods=["POST"])
@kept.keeps_text(KeptForm.GUIDE_MESSAGE, lambda resident_id: str(resident_id),
                 lambda resident_id: _screen_url(resident_id, "#thread"))
@roles_required("guide")
@validates_csrf_in_form
def message(resident_id: int):
    case = _case(resident_id)
    form = forms.MessageForm()
    if kept.stale_form_token():
        return kept.keep_or_show_back(KeptForm.GUIDE_MESSAGE, str(resident_id),
                                      _screen_url(resident_id, "#thread"))
    if not form.validate_on_submit():
        flash(_("Skriv en melding før du sender."), "error")
        return _back(resident_id, "#thread")
    services.post_message(current_user, case.resident, form.text.data, clock.now(),
                          nonce=form.nonce.data)
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
        services.acknowledge_flag(current_user, flag, request.form.get("outcome", ""), form.note.data,
                                  clock.now())
    except care.CareError as error:
        flash(str(CARE_ERRORS[error.code]), "error")
        return _back(flag.resident_id, "#flags")
    flash(_("Oppfølgingen er registrert."), "success")
    return _back(flag.resident_id, "#flags")


#: What each switch does, shown on its confirmation page (the page adds the dates).
ACTION_EXPLAINED = {
    "unlock": _l("Den første modulen som fortsatt er låst, åpnes nå i stedet for på sin planlagte dato."),
    "pause": _l("Programmet stopper fra i dag: ingen nye moduler åpnes og ingen påminnelser sendes. "
                "Når du lar programmet fortsette, flyttes datoene for de neste modulene like mange dager "
                "som pausen varte. Innbyggeren kan ikke oppheve pausen selv."),
    "resume": _l("Programmet går videre. Modulene som gjenstår, åpnes like mange dager senere som pausen varte."),
    "extend": _l("Programmet blir to uker lengre, med ukentlige sjekk-inn og spørreskjema også i de ukene."),
    "questionnaire": _l("Innbyggeren får et ekstra spørreskjema på sin side."),
}
#: The confirm button of each switch.
CONFIRM = {"unlock": _l("Ja, åpne modulen nå"), "pause": _l("Ja, sett programmet på pause"),
           "resume": _l("Ja, la programmet fortsette"), "extend": _l("Ja, forleng med to uker"),
           "questionnaire": _l("Ja, send spørreskjemaet")}


@bp.route("/residents/<int:resident_id>/program", methods=["GET", "POST"])
@roles_required("guide")
@validates_csrf_in_form
def program_action(resident_id: int):
    """The switches: open the next module early, pause, resume, extend, send an extra questionnaire.
    GET shows what the chosen switch will do to the resident (dates, the module) and asks for a
    reason the resident reads; the POST from there does exactly that, or shows the page again."""
    case = _case(resident_id)
    now = clock.now()
    available = programs.available_switches(case.enrolment)
    action = request.values.get("action")
    if action not in available:
        if request.method == "POST":
            abort(400)
        action = None  # GET without a (usable) switch: the list to choose from
    form = forms.ProgramActionForm()
    form.measure.choices = [(code, measure_name(code)) for code in get_measures()]
    notice = None
    if request.method == "POST":
        measure = request.form.get("measure") if action == "questionnaire" else None
        if action == "questionnaire" and measure not in get_measures():
            form.measure.errors = [_("Velg et spørreskjema.")]
        elif form.validate():
            try:
                opened = services.switch_program(
                    current_user, case.resident, case.enrolment, case.program, action,
                    form.reason.data, form.plan.data or "", now, measure)
            except programs.ProgramError:
                notice = _("Programmet er endret siden du åpnet siden. Se over hva som skjer nå, og "
                           "bekreft på nytt.")
            else:
                flash(_("Modulen «%(title)s» er åpnet.", title=opened.text("nb").title) if opened is not None
                      else str(SWITCHED[action]), "success")
                return _back(resident_id, "#program")
    plan = queries.switch_page(current_user, case, action, now)
    form.plan.data = plan.fingerprint if plan else ""
    return render_template("checkins/confirm_switch.html", case=case, action=action, form=form,
                           plan=plan, title=ACTIONS[action] if action else _("Endre programmet"),
                           explained=ACTION_EXPLAINED[action] if action else "", notice=notice,
                           confirm=CONFIRM.get(action or ""), actions=ACTIONS,
                           available_actions=available)


#: What the guide is told after each switch ("unlock" names the module it opened).
SWITCHED = {
    "unlock": _l("Ingen moduler er låst, så ingenting ble endret."),
    "pause": _l("Programmet er satt på pause."),
    "resume": _l("Programmet går videre. De neste modulene åpner senere, like lenge som pausen varte."),
    "extend": _l("Programmet er forlenget med to uker."),
    "questionnaire": _l("Spørreskjemaet er sendt. Innbyggeren ser det på sin side."),
}


@bp.route("/snippets", methods=["GET", "POST"])
@roles_required("guide")
@validates_csrf_in_form
def snippets():
    form = forms.SnippetForm(municipality_codes=current_user.municipality_codes)
    if form.validate_on_submit():
        services.add_snippet(current_user, form.title.data, form.body.data, clock.now(),
                             shared_in=form.shared_municipality)
        flash(_("Malen er lagret."), "success")
        return redirect(url_for("checkins.snippets"))
    return render_template("checkins/snippets.html", form=form,
                           snippets=queries.snippets_for(current_user))


@bp.route("/snippets/<int:snippet_id>/delete", methods=["POST"])
@roles_required("guide")
def delete_snippet(snippet_id: int):
    snippet = db.get(Snippet, snippet_id)
    if snippet is None:
        abort(404)
    try:
        services.delete_snippet(current_user, snippet)
    except services.CheckinError:
        abort(404)
    flash(_("Malen er slettet."), "success")
    return redirect(url_for("checkins.snippets"))


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
            elif error.code == "cover_municipality":
                form.cover.errors.append(_("Stedfortrederen må være veileder i de samme kommunene "
                                           "som den som er borte."))
            else:
                form.cover.errors.append(_("Velg en annen veileder som stedfortreder."))
        else:
            flash(_("Fraværet er registrert. Stedfortrederen ser innbyggerne i sin kø så lenge det varer."),
                  "success")
            return redirect(url_for("checkins.absence"))
    shown = absent_choices if current_user.has_role("admin") else [current_user]
    return render_template("checkins/absence.html", form=form,
                           absences=queries.absences_of_any([g.id for g in shown]))
