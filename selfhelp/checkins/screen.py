"""Everything the guide's one-page check-in screen shows, gathered in a fixed number of queries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.checkins import forms, services
from selfhelp.checkins.models import Checkin
from selfhelp.content.model import Program
from selfhelp.db import db
from selfhelp.measures.charts import charts_for
from selfhelp.measures.definitions import get_measures
from selfhelp.care.forms import follow_up_form
from selfhelp.measures.models import RiskFlag
from selfhelp.measures.services import results_of
from selfhelp.programs.display import display_value
from selfhelp.programs.models import Enrolment, WorksheetAnswer
from selfhelp.programs.schedule import module_states
from selfhelp.i18n import current_locale
from selfhelp.clock import local


def screen_context(guide: User, resident: User, enrolment: Enrolment, program: Program,
                   now: datetime) -> dict:
    locale = current_locale()
    checkins = list(db.scalars(select(Checkin).where(Checkin.enrolment_id == enrolment.id)
                               .order_by(Checkin.week.desc())))
    checkin = next((c for c in checkins if c.state == "submitted"), None)
    last_closed = next((c.closed_at for c in checkins if c.state == "closed"), None)
    answers = db.scalars(select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id == enrolment.id)
                         .order_by(WorksheetAnswer.updated_at.desc())).all()
    worksheets = []
    for answer in answers:
        if last_closed is not None and answer.updated_at <= last_closed:
            continue
        module = program.module(answer.module_slug)
        exercise = module.text(locale).exercise(answer.exercise_key) if module else None
        if exercise is not None:
            worksheets.append({"answer": answer, "module": module, "exercise": exercise,
                               "show": _shower(module, locale, answer.exercise_key)})
    feedback_form = forms.FeedbackForm()
    draft = services.draft_for(guide, checkin, now) if checkin else None
    if draft is not None:
        feedback_form.body.data = draft.body
        feedback_form.minutes.data = max(1, min(60, round((now - draft.started_at).total_seconds() / 60)))
    snippets = services.snippets_for(guide)
    feedback_form.snippet.choices = [(str(s.id), s.title) for s in snippets]
    action_form = forms.ProgramActionForm()
    action_form.measure.choices = [(code, code) for code in get_measures()]
    flags = list(db.scalars(select(RiskFlag).where(RiskFlag.resident_id == resident.id)
                            .order_by(RiskFlag.state.desc(), RiskFlag.raised_at.desc())))
    return {
        "checkin": checkin, "checkins": checkins, "draft": draft, "worksheets": worksheets,
        "states": module_states(program, enrolment, local(now).date()),
        "charts": charts_for(results_of(resident, f"program:{program.slug}"), locale),
        "thread": services.thread(resident.id),
        "flags": flags,
        # The guide follows up what they own; once escalated it is the leaders' or the team's.
        "ack_forms": {f.id: follow_up_form(f.id, formdata=None) for f in flags
                      if f.state == "open" and f.owner_level in (None, "guide")},
        "feedback_form": feedback_form, "message_form": forms.MessageForm(),
"action_form": action_form, "snippets": snippets,
    }


def _shower(module, locale, exercise_key):
    return lambda field, column, value: display_value(module, locale, exercise_key, field, column, value)
