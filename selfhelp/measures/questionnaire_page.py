"""The questionnaire page that programs and courses show: one form, the errors of every
unanswered item, and where the person goes next (the crisis page after a risk answer). Not a
blueprint: the domain that asks the questions owns the route and calls `questionnaire_page`."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from selfhelp.forms import csrf_is_valid
from selfhelp.measures.definitions import Measure
from selfhelp.measures.scoring import IncompleteAnswers
from selfhelp.measures.services import AlreadyAnswered, Answered


def item_errors(problem: IncompleteAnswers) -> dict[str, str]:
    """A message for every unanswered or invalid item, keyed by item."""
    errors = {key: _("Svar på dette spørsmålet.") for key in problem.missing}
    errors.update({key: _("Velg et av svarene.") for key in problem.invalid})
    return errors


def after_answer(answered: Answered, done_url: str):
    """Where the person goes next: the crisis page after a risk answer, the "more than
    self-help" page after severe intake scores, else None (on to `done_url`)."""
    if answered.flags:
        return redirect(url_for("measures.support"))
    if answered.needs_more_help:
        return redirect(url_for("measures.more_help", next=done_url))
    return None


def questionnaire_page(measure: Measure, store: Callable[..., Answered], done_url: str, **page):
    """Show the questionnaire; on a valid POST `store(form)` (the domain's service) keeps it and
    the person goes to `done_url` — or to the crisis page when an answer raised a risk flag.
    What was chosen stays chosen on every error."""
    errors: dict[str, str] = {}
    stale = request.method == "POST" and not csrf_is_valid(request.form.get("csrf_token"))
    if request.method == "POST" and not stale:
        try:
            answered = store(request.form)
        except IncompleteAnswers as problem:
            errors = item_errors(problem)
        except AlreadyAnswered:
            flash(_("Dette spørreskjemaet er allerede besvart."), "info")
            return redirect(done_url)
        else:
            onward = after_answer(answered, done_url)
            if onward is not None:
                return onward
            flash(_("Takk! Svarene er lagret."), "success")
            return redirect(done_url)
    return render_template("measures/questionnaire.html", measure=measure, errors=errors,
                           chosen=request.form, stale=stale, action=request.path,
                           **page), (400 if stale else 200)
