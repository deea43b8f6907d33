"""Builds what the module page shows, so the view functions stay thin."""
from __future__ import annotations

from datetime import datetime

from flask import request

from selfhelp.clock import local
from selfhelp.i18n import current_locale
from selfhelp.content.model import Module, Program
from selfhelp.programs import services
from selfhelp.programs.models import Enrolment
from selfhelp.programs.schedule import module_states
from selfhelp.programs.worksheets import parse_worksheet, sorted_rows


def page_context(program: Program, module: Module, enrolment: Enrolment, now: datetime,
                 override: dict | None = None, problems: dict | None = None) -> dict:
    locale = current_locale()
    text = module.text(locale)
    nb_exercises = {e.key: e for e in module.text("nb").exercises}
    saved = services.answers_for(enrolment, module.slug)
    values: dict[str, dict] = {}
    saved_at: dict[str, datetime] = {}
    for exercise in text.exercises:
        answer = saved.get((module.slug, exercise.key))
        if override and exercise.key in override:
            data, _ = parse_worksheet(nb_exercises[exercise.key], override[exercise.key],
                                      lambda f, c, k=exercise.key: module.options_nb(k, f, c))
            values[exercise.key] = data
        else:
            values[exercise.key] = dict(answer.data) if answer else {}
        if answer:
            saved_at[exercise.key] = answer.updated_at
    add_row = request.args.get("add_row")
    row_counts = {}
    for exercise in text.exercises:
        for field in exercise.fields:
            if field.type == "rows":
                rows = sorted_rows(field, values[exercise.key].get(field.key) or [])
                values[exercise.key][field.key] = rows
                extra = 1 if add_row == field.key else 0
                row_counts[(exercise.key, field.key)] = max(len(rows) + extra, field.min_rows, 1)
    states = module_states(program, enrolment, local(now).date())
    first_goals = None
    if text.exercise("goals_review") is not None:
        # Revisiting goals: show what the resident wrote in the first module.
        first = services.answers_for(enrolment, program.modules[0].slug).get(
            (program.modules[0].slug, "goals"))
        first_goals = first.data if first else {}
    done = sum(1 for s in states if s.state == "done")
    index = module.number - 1
    return {
        "program": program, "module": module, "text": text, "enrolment": enrolment,
        "values": values, "saved_at": saved_at, "problems": problems or {},
        "row_counts": row_counts, "states": states,
        "done_count": done, "total": len(program.modules),
        "is_done": states[index].state == "done",
        "previous": program.modules[index - 1] if index > 0 else None,
        "next_state": states[index + 1] if index + 1 < len(states) else None,
        "options_nb_for": module.options_nb,
        "stale_form": None,
        "first_goals": first_goals,
    }
