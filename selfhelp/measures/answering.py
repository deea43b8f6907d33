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


def questionnaire_page(measure: Measure, context: str, occasion: str, done_url: str, **page):
    """Show the questionnaire; on a valid POST store it and go to `done_url` — or to the crisis
    page when an answer raised a risk flag. What was chosen stays chosen on every error."""
    errors: dict[str, str] = {}
    stale = request.method == "POST" and not csrf_is_valid(request.form.get("csrf_token"))
    if request.method == "POST" and not stale:
        try:
            _result, flags = record_result(current_user, measure, context, occasion, request.form,
                                           clock.now())
        except IncompleteAnswers as problem:
            errors = item_errors(problem)
        except AlreadyAnswered:
            db.rollback()
            flash(_("Dette spørreskjemaet er allerede besvart."), "info")
            return redirect(done_url)
        else:
            db.commit()
            if flags:
                return redirect(url_for("measures.support"))
            flash(_("Takk! Svarene er lagret."), "success")
            return redirect(done_url)
    return render_template("measures/questionnaire.html", measure=measure, errors=errors,
                           chosen=request.form, stale=stale, action=request.path,
                           **page), (400 if stale else 200)
