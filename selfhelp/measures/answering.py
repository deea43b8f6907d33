"""The questionnaire page's POST, shared by programs and courses: check, record, then go on."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfhelp import clock
from selfhelp.db import db
from selfhelp.forms import csrf_is_valid
from selfhelp.measures.definitions import Measure
from selfhelp.measures.scoring import IncompleteAnswers
from selfhelp.measures.services import AlreadyAnswered, record_result


def item_errors(problem: IncompleteAnswers) -> dict[str, str]:
    """A message for every unanswered or invalid item, keyed by item."""
    errors = {key: _("Svar på dette spørsmålet.") for key in problem.missing}
    errors.update({key: _("Velg et av svarene.") for key in problem.invalid})
    return errors


def after_answer(flags, needs_more_help: bool, done_url: str):
    """Where the person goes next: the crisis page after a risk answer, the "more than
    self-help" page after severe intake scores, else on to `done_url`."""
    if flags:
        return redirect(url_for("measures.support"))
    if needs_more_help:
        return redirect(url_for("measures.more_help", next=done_url))
    return None


def questionnaire_page(measure: Measure, context: str, occasion: str, done_url: str,
                       intake: bool = False, **page):
    """Show the questionnaire; on a valid POST store it and go to `done_url` — or to the crisis
    page when an answer raised a risk flag. With `intake` the answers are read as triage
    (care.services.triage). What was chosen stays chosen on every error."""
    errors: dict[str, str] = {}
    stale = request.method == "POST" and not csrf_is_valid(request.form.get("csrf_token"))
    if request.method == "POST" and not stale:
        try:
            result, flags = record_result(current_user, measure, context, occasion, request.form,
                                          clock.now())
            if intake:
                from selfhelp.care.services import triage  # care reads many domains

                needs_more_help = triage(current_user, result, flags, clock.now()).needs_more_help
            else:
                needs_more_help = False
        except IncompleteAnswers as problem:
            errors = item_errors(problem)
        except AlreadyAnswered:
            db.rollback()
            flash(_("Dette spørreskjemaet er allerede besvart."), "info")
            return redirect(done_url)
        else:
            db.commit()
            onward = after_answer(flags, needs_more_help, done_url)
            if onward is not None:
                return onward
            flash(_("Takk! Svarene er lagret."), "success")
            return redirect(done_url)
    return render_template("measures/questionnaire.html", measure=measure, errors=errors,
                           chosen=request.form, stale=stale, action=request.path,
                           **page), (400 if stale else 200)
