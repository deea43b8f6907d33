"""Resident pages for self-help programs: catalogue, program, modules, worksheets, toolbox."""
from __future__ import annotations

from flask import (
    Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock, dates
from selfhelp.content import get_catalogue
from selfhelp.db import redo_on_conflict
from selfhelp.forms import csrf_is_valid, validates_csrf_in_form
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.services import answered_occasions
from selfhelp.measures.questionnaire_page import questionnaire_page
from selfhelp.accounts import kept
from selfhelp.accounts.models import KeptForm
from selfhelp.programs import services
from selfhelp.programs.queries import context_of, page_context, saved_version
from selfhelp.programs.schedule import due_questionnaires, module_states
from selfhelp.security import roles_required
from selfhelp.programs.models import EnrolmentState

bp = Blueprint("programs", __name__, url_prefix="/programs")

START_REFUSALS = {
    "too_young": _l("Dette programmet er for deg som er %(age)s år eller eldre. Snakk gjerne med "
                    "helsesykepleier, fastlegen eller en voksen du stoler på om hvordan du har det."),
    "no_birth_date": _l("Vi mangler fødselsdatoen din, og dette programmet har en aldersgrense."),
    "not_resident": _l("Bare innbyggere kan starte et program."),
}


def _program(slug: str):
    program = get_catalogue().programs.get(slug)
    if program is None:
        abort(404)
    return program


def _module(program, module_slug: str):
    module = program.module(module_slug)
    if module is None:
        abort(404)
    return module


def _lookup(slug: str, module_slug: str):
    """The program, module and the resident's enrolment a module URL names."""
    program = _program(slug)
    module = _module(program, module_slug)
    return program, module, _enrolment(program)


def _enrolment(program):
    enrolment = services.find_enrolment(current_user, program.slug)
    if enrolment is None:
        flash(_("Start programmet først."), "info")
        abort(redirect(url_for("programs.program", slug=program.slug)))
    return enrolment


@bp.route("/")
@roles_required("resident")
def catalogue():
    mine = {e.program_slug: e for e in services.enrolments_of(current_user)}
    return render_template("programs/catalogue.html", programs=get_catalogue().programs.values(),
                           mine=mine)


@bp.route("/<slug>")
@roles_required("resident")
def program(slug: str):
    program = _program(slug)
    enrolment = services.find_enrolment(current_user, slug)
    today = clock.local(clock.now()).date()
    return render_template("programs/program.html", program=program, enrolment=enrolment,
                           states=module_states(program, enrolment, today),
                           paused_by_guide=enrolment is not None and services.paused_by_staff(enrolment))


@bp.route("/<slug>/start", methods=["POST"])
@roles_required("resident")
def start(slug: str):
    program = _program(slug)
    try:
        enrolment = redo_on_conflict(lambda: services.start_program(current_user, program, clock.now()))
    except services.ProgramError as error:
        if error.code == "paused_by_guide":
            flash(_("Veilederen din har satt programmet på pause. Bare veilederen kan la det "
                    "fortsette. Skriv til veilederen hvis du vil fortsette."), "info")
        else:
            flash(str(START_REFUSALS.get(error.code, START_REFUSALS["too_young"]))
                  % {"age": program.min_age}, "error")
        return redirect(url_for("programs.program", slug=slug))
    first = program.modules[0]
    target = enrolment.current_module or first.slug
    return redirect(url_for("programs.module", slug=slug, module_slug=target))


@bp.route("/<slug>/<module_slug>")
@roles_required("resident")
def module(slug: str, module_slug: str):
    program, module, enrolment = _lookup(slug, module_slug)
    try:
        services.open_module(enrolment, program, module, clock.now())
    except services.ProgramError:
        flash(_("Denne modulen er ikke åpnet ennå."), "info")
        return redirect(url_for("programs.program", slug=slug))
    _save_pending_draft(program, module, enrolment)
    return render_template("programs/module.html",
                           **page_context(program, module, enrolment, clock.now(),
                                          add_row=request.args.get("add_row")))


@bp.route("/<slug>/<module_slug>/done", methods=["POST"])
@roles_required("resident")
def complete(slug: str, module_slug: str):
    program, module, enrolment = _lookup(slug, module_slug)
    try:
        services.complete_module(enrolment, program, module, clock.now())
    except services.ProgramError:
        abort(403)
    flash(_("Bra jobbet! Modulen er markert som ferdig."), "success")
    if enrolment.state == EnrolmentState.FINISHED:
        return redirect(url_for("pages.dashboard"))
    return redirect(url_for("programs.program", slug=slug))


def _save_pending_draft(program, module, enrolment) -> None:
    """Save text its author posted while their login had expired (see save_exercise)."""
    for exercise in module.text("nb").exercises:
        fields = kept.take(current_user, KeptForm.WORKSHEET,
                           _worksheet_target(program.slug, module.slug, exercise.key), clock.now())
        if fields is not None:
            services.save_worksheet(enrolment, program, module, exercise, fields, clock.now())
            flash(_("Teksten du skrev før du ble logget ut, er lagret."), "success")


def _worksheet_target(slug: str, module_slug: str, exercise_key: str) -> str:
    return f"{slug}/{module_slug}/{exercise_key}"


@bp.route("/<slug>/<module_slug>/exercises/<exercise_key>", methods=["POST"])
@validates_csrf_in_form
def save_exercise(slug: str, module_slug: str, exercise_key: str):
    """Save a worksheet. Form posts redirect back; autosave (fetch) gets JSON.

    If the login expired, the text is kept aside and saved right after the person logs in again.
    """
    if not current_user.is_authenticated:
        return _keep_until_login(slug, module_slug, exercise_key)
    if not current_user.has_role("resident"):
        abort(403)
    program, module, enrolment = _lookup(slug, module_slug)
    text = module.text("nb")
    exercise = next((e for e in text.exercises if e.key == exercise_key), None)
    if exercise is None:
        abort(404)
    wants_json = request.accept_mimetypes.best == "application/json"
    if not csrf_is_valid(request.form.get("csrf_token")):
        if wants_json:
            return jsonify(saved=False, reason="csrf"), 400
        ctx = page_context(program, module, enrolment, clock.now(), override={exercise_key: request.form},
                           add_row=request.args.get("add_row"))
        ctx["stale_form"] = exercise_key
        return render_template("programs/module.html", **ctx), 400
    answer, problems = redo_on_conflict(lambda: services.save_worksheet(
        enrolment, program, module, exercise, request.form, clock.now()))
    if wants_json:
        # `version` is what the page's data-saved-at holds: the browser's draft is based on it.
        return jsonify(saved=True, saved_at=dates.clock(answer.updated_at),
                       version=saved_version(answer.updated_at), problems=problems)
    add_row = request.form.get("add_row")
    anchor = f"exercise-{exercise_key}"
    if problems:
        ctx = page_context(program, module, enrolment, clock.now(), problems={exercise_key: problems},
                           add_row=request.args.get("add_row"))
        return render_template("programs/module.html", **ctx)
    if add_row:
        return redirect(url_for("programs.module", slug=slug, module_slug=module_slug,
                                add_row=add_row) + f"#{anchor}")
    flash(_("Lagret."), "success")
    return redirect(url_for("programs.module", slug=slug, module_slug=module_slug) + f"#{anchor}")


def _keep_until_login(slug: str, module_slug: str, exercise_key: str):
    if request.accept_mimetypes.best == "application/json":
        return jsonify(saved=False, reason="login"), 401  # the page keeps the text in the browser
    program = _program(slug)
    if _module(program, module_slug).text("nb").exercise(exercise_key) is None:
        abort(404)  # no such worksheet: nothing to keep (and no overlong key to store)
    if not kept.texts_of(request.form):  # nothing typed, nothing to lose
        return redirect(url_for("accounts.login", next=url_for(
            "programs.module", slug=slug, module_slug=module_slug)))
    author = kept.author_of_this_browser()
    # Not from our own page in this browser, or nobody's session here: show the text back rather
    # than store it (a kept worksheet is saved at the next login, so it must be its author's).
    if (author is None or not csrf_is_valid(request.form.get("csrf_token"))
            or not kept.keep(author, KeptForm.WORKSHEET,
                             _worksheet_target(slug, module_slug, exercise_key),
                             request.form, clock.now())):
        return render_template("programs/text_not_saved.html", program=program,
                               texts=[v for k, v in request.form.items(multi=True)
                                      if k.startswith("f-") and v.strip()]), 401
    flash(_("Du var logget ut. Logg inn igjen, så lagres teksten du skrev."), "info")
    return redirect(url_for("accounts.login",
                            next=url_for("programs.module", slug=slug, module_slug=module_slug)))


@bp.route("/<slug>/questionnaires/<code>/<occasion>", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def questionnaire(slug: str, code: str, occasion: str):
    """Answer a questionnaire that is due. Every item must be answered; a risk answer leads
    straight to the page with crisis contacts."""
    program = _program(slug)
    enrolment = _enrolment(program)
    measure = get_measures().get(code)
    context = context_of(slug)
    today = clock.local(clock.now()).date()
    due = {(d.code, d.occasion) for d in due_questionnaires(
        program, enrolment, answered_occasions(current_user, context), today,
        services.questionnaire_requests(enrolment))}
    if measure is None or (code, occasion) not in due:
        flash(_("Dette spørreskjemaet er allerede besvart, eller det er ikke tid for det nå."), "info")
        return redirect(url_for("pages.dashboard"))
    return questionnaire_page(measure, lambda form: services.answer_questionnaire(
        current_user, program, measure, occasion, form, clock.now()), url_for("measures.progress"),
        program=program)
