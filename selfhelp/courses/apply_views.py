"""Applying to a course, one thing per page: start -> motivation -> screening questionnaire ->
guardian (DU under 16 only) -> "Se over svarene dine" -> sent. Every step keeps what was typed
in the resident's draft on the server (services/drafts.py), so back and forth, a closed browser
or an expired login lose nothing; sending uses the admission rules unchanged."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts import kept
from selfhelp.accounts.models import User
from selfhelp.content import get_catalogue
from selfhelp.content.model import Course
from selfhelp.courses import forms
from selfhelp.courses.models import ACTIVE_APPLICATION_STATES, ApplicationState, Cohort, CohortState
from selfhelp.courses.services import admission, drafts
from selfhelp.courses.views import REFUSALS
from selfhelp.db import db
from selfhelp.forms import csrf_is_valid, validates_csrf_in_form
from selfhelp.measures.definitions import Measure, get_measures
from selfhelp.measures.questionnaire_page import after_answer, item_errors
from selfhelp.measures.scoring import IncompleteAnswers, parse_answers
from selfhelp.measures.services import AlreadyAnswered
from selfhelp.security import roles_required

bp = Blueprint("courses_apply", __name__, url_prefix="/courses/<int:cohort_id>/apply")

#: The numbered steps, in order; a step a cohort does not need is left out of its count.
STEPS = ("motivation", "screening", "guardian", "check")


@dataclass
class Applying:
    """One resident applying to one cohort: what the steps need to know."""

    cohort: Cohort
    course: Course
    measure: Measure | None
    guardian: bool
    answers: dict = field(default_factory=dict)

    @property
    def steps(self) -> list[str]:
        return [s for s in STEPS if (s != "screening" or self.measure is not None)
                and (s != "guardian" or self.guardian)]

    def number(self, step: str) -> int:
        return self.steps.index(step) + 1

    def url(self, step: str, **args) -> str:
        return url_for(f"courses_apply.{step}", cohort_id=self.cohort.id, **args)

    def before(self, step: str) -> str:
        at = self.steps.index(step)
        return self.url(self.steps[at - 1]) if at else self.url("start")

    def after(self, step: str) -> str:
        return self.url(self.steps[self.steps.index(step) + 1])


def _applying(cohort_id: int, user: User) -> Applying:
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or cohort.state == CohortState.DRAFT:
        abort(404)
    course = get_catalogue().courses.get(cohort.course_code)
    if course is None:
        abort(404)
    return Applying(cohort, course, get_measures().get(course.screening_measure or ""),
                    admission.needs_guardian(user, cohort, course))


def _may_apply(cohort_id: int) -> Applying:
    """The resident's application in progress; someone who may not apply (closed, age,
    municipality) or has applied already goes to the cohort page, which says why."""
    applying = _applying(cohort_id, current_user)
    today = clock.local(clock.now()).date()
    if admission.eligibility_problems(current_user, applying.cohort, applying.course, today) \
            or admission.open_application(current_user, applying.cohort) is not None:
        abort(redirect(url_for("courses.cohort", cohort_id=cohort_id)))
    applying.answers = drafts.answers_of(current_user, applying.cohort)
    return applying


def _onward(applying: Applying, step: str):
    """On to the next step, or back to the summary after "Endre"."""
    if request.args.get("change"):
        return redirect(applying.url("check"))
    return redirect(applying.after(step))


def _screening_changes(measure: Measure, posted) -> tuple[dict, dict]:
    """(the valid answers to keep, an error per item still unanswered or invalid)."""
    chosen = {item.key: (posted.get(item.key) or "").strip() for item in measure.items}
    try:
        parse_answers(measure, chosen)
    except IncompleteAnswers as problem:
        errors = item_errors(problem)
    else:
        errors = {}
    return {key: value for key, value in chosen.items() if value and key not in errors}, errors


def _changes(step: str, applying: Applying, posted) -> dict:
    """What a step posted that is worth keeping in the draft (for a login that expired)."""
    if step == "motivation":
        form = forms.MotivationForm(posted, meta={"csrf": False})
        return {"motivation": form.motivation.data.strip()} if form.validate() else {}
    if step == "screening" and applying.measure is not None:
        return {"screening": _screening_changes(applying.measure, posted)[0]}
    if step == "guardian" and applying.guardian:
        form = forms.GuardianForm(posted, meta={"csrf": False})
        form.validate()
        return {name: getattr(form, name).data.strip() for name in ("guardian_name", "guardian_contact")
                if not getattr(form, name).errors}
    return {}


def keeps_answers(step: str) -> Callable:
    """Put above ``roles_required``: a step posted after the login expired is saved into the
    draft of the person whose session this browser had (from our own page: the form token must
    be valid), and they log in again to go on from there."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(cohort_id: int):
            if request.method != "POST" or current_user.is_authenticated:
                return view(cohort_id)
            back = url_for(f"courses_apply.{step}", cohort_id=cohort_id)
            author_id = kept.author_of_this_browser()
            author = db.get(User, author_id) if author_id is not None else None
            if author is not None and author.has_any_role("resident") \
                    and csrf_is_valid(request.form.get("csrf_token")):
                applying = _applying(cohort_id, author)
                changes = _changes(step, applying, request.form)
                if changes:
                    drafts.save(author, applying.cohort, changes, clock.now())
                    flash(_("Du var logget ut. Svarene dine er lagret: logg inn igjen for å fortsette."),
                          "info")
            return redirect(url_for("accounts.login", next=back))

        for name in ("csrf_in_form", "required_roles"):
            if hasattr(view, name):
                setattr(wrapped, name, getattr(view, name))
        return wrapped

    return decorator


@bp.route("")
@roles_required("resident")
def start(cohort_id: int):
    applying = _may_apply(cohort_id)
    leaders = sorted(leader.leader.shown_name for leader in applying.cohort.leaders)
    return render_template("courses/apply/start.html", a=applying, leaders=leaders,
                           begun=bool(applying.answers))


@bp.route("/motivation", methods=["GET", "POST"])
@keeps_answers("motivation")
@roles_required("resident")
@validates_csrf_in_form
def motivation(cohort_id: int):
    applying = _may_apply(cohort_id)
    form = forms.MotivationForm()
    if request.method == "GET":
        form.motivation.data = applying.answers.get("motivation", "")
    elif form.validate_on_submit():
        drafts.save(current_user, applying.cohort, {"motivation": form.motivation.data.strip()}, clock.now())
        return _onward(applying, "motivation")
    return render_template("courses/apply/motivation.html", a=applying, form=form, step="motivation")


@bp.route("/screening", methods=["GET", "POST"])
@keeps_answers("screening")
@roles_required("resident")
@validates_csrf_in_form
def screening(cohort_id: int):
    applying = _may_apply(cohort_id)
    if applying.measure is None:
        return redirect(applying.after("motivation"))
    chosen, errors, stale = dict(applying.answers.get("screening") or {}), {}, False
    if request.method == "POST":
        stale = not csrf_is_valid(request.form.get("csrf_token"))
        keep, errors = _screening_changes(applying.measure, request.form)
        chosen = keep
        if not stale:
            drafts.save(current_user, applying.cohort, {"screening": keep}, clock.now())
            if not errors:
                return _onward(applying, "screening")
    return render_template("courses/apply/screening.html", a=applying, measure=applying.measure,
                           errors={} if stale else errors, chosen=chosen, stale=stale,
                           step="screening"), (400 if stale else 200)


@bp.route("/guardian", methods=["GET", "POST"])
@keeps_answers("guardian")
@roles_required("resident")
@validates_csrf_in_form
def guardian(cohort_id: int):
    applying = _may_apply(cohort_id)
    if not applying.guardian:
        return redirect(applying.url("check"))
    form = forms.GuardianForm()
    if request.method == "GET":
        form.guardian_name.data = applying.answers.get("guardian_name", "")
        form.guardian_contact.data = applying.answers.get("guardian_contact", "")
    elif form.validate_on_submit():
        drafts.save(current_user, applying.cohort, {"guardian_name": form.guardian_name.data.strip(),
                                                    "guardian_contact": form.guardian_contact.data.strip()},
                    clock.now())
        return _onward(applying, "guardian")
    return render_template("courses/apply/guardian.html", a=applying, form=form, step="guardian")


@bp.route("/check")
@roles_required("resident")
def check(cohort_id: int):
    applying = _may_apply(cohort_id)
    missing = drafts.missing_steps(applying.answers, applying.measure, applying.guardian)
    if missing:
        if applying.answers:
            flash(_("Noen svar mangler. Svar på dette steget før du sender søknaden."), "info")
        return redirect(applying.url(missing[0]))
    return render_template("courses/apply/check.html", a=applying, measure=applying.measure,
                           chosen=applying.answers.get("screening") or {}, step="check")


@bp.route("/send", methods=["POST"])
@roles_required("resident")
def send(cohort_id: int):
    applying = _may_apply(cohort_id)
    sent = url_for("courses_apply.sent", cohort_id=cohort_id)
    try:
        _application, answered = drafts.send(current_user, applying.cohort, applying.course,
                                              applying.measure, clock.now())
    except IncompleteAnswers:
        return redirect(applying.url("check"))
    except admission.AdmissionError as error:
        if error.code in ("draft_missing", "incomplete", "guardian_missing"):
            return redirect(applying.url("check"))
        flash(str(REFUSALS.get(error.code, REFUSALS["already_applied"])), "error")
        return redirect(url_for("courses.cohort", cohort_id=cohort_id))
    except AlreadyAnswered:
        flash(str(REFUSALS["already_applied"]), "error")
        return redirect(url_for("courses.mine"))
    onward = after_answer(answered, sent) if answered is not None else None
    if onward is None:
        return redirect(sent)  # the confirmation page says it was sent
    flash(_("Søknaden er sendt."), "success")
    return onward


@bp.route("/sent")
@roles_required("resident")
def sent(cohort_id: int):
    applying = _applying(cohort_id, current_user)
    application = admission.latest_application(current_user, applying.cohort)
    if application is None or application.state not in ACTIVE_APPLICATION_STATES:
        return redirect(url_for("courses.cohort", cohort_id=cohort_id))
    position = (admission.waitlist_positions(applying.cohort.id).get(application.id)
                if application.state == ApplicationState.WAITLISTED else None)
    return render_template("courses/apply/sent.html", a=applying, application=application,
                           position=position)
