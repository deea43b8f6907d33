"""What the resident's program pages show.

- the dashboard (`resident_overview`): each program with its current module, what is due and the
  goals, in four queries whatever the number of programs, modules or answers;
- the module page (`page_context`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.clock import local
from selfhelp.content import get_catalogue
from selfhelp.content.model import Module, Program
from selfhelp.db import db
from selfhelp.i18n import current_locale
from selfhelp.measures.models import MeasureResult
from selfhelp.programs.models import Enrolment, QuestionnaireRequest, WorksheetAnswer
from selfhelp.programs import services
from selfhelp.programs.services import context_of
from selfhelp.programs.schedule import DueQuestionnaire, ModuleState, due_questionnaires, module_states
from selfhelp.programs.worksheets import parse_worksheet, sorted_rows


@dataclass
class ProgramOverview:
    program: Program
    enrolment: Enrolment
    states: list[ModuleState]
    due: list[DueQuestionnaire]
    goals: dict = field(default_factory=dict)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.states if s.state == "done")

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.states)) if self.states else 0

    @property
    def resume_module(self) -> Module:
        """Where to continue: the module last opened if still unfinished, else the first open one."""
        by_slug = {s.module.slug: s for s in self.states}
        current = by_slug.get(self.enrolment.current_module or "")
        if current and current.state == "open":
            return current.module
        first_open = next((s.module for s in self.states if s.state == "open"), None)
        return first_open or (current.module if current else self.states[0].module)


def resident_overview(resident: User, now: datetime) -> list[ProgramOverview]:
    programs = get_catalogue().programs
    enrolments = [e for e in db.scalars(select(Enrolment).where(Enrolment.resident_id == resident.id)
                                        .order_by(Enrolment.started_at.desc()))
                  if e.program_slug in programs]
    if not enrolments:
        return []
    answered: dict[str, set[tuple[str, str]]] = {}
    for context, code, occasion in db.execute(
            select(MeasureResult.context, MeasureResult.measure_code, MeasureResult.occasion)
            .where(MeasureResult.resident_id == resident.id)):
        answered.setdefault(context, set()).add((code, occasion))
    requests: dict[int, list] = {}
    for request in db.scalars(select(QuestionnaireRequest).where(
            QuestionnaireRequest.enrolment_id.in_([e.id for e in enrolments]))):
        requests.setdefault(request.enrolment_id, []).append(request)
    goals = {a.enrolment_id: a.data for a in db.scalars(
        select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id.in_([e.id for e in enrolments]),
                                      WorksheetAnswer.exercise_key == "goals"))}
    today = local(now).date()
    overview = []
    for enrolment in enrolments:
        program = programs[enrolment.program_slug]
        overview.append(ProgramOverview(
            program=program, enrolment=enrolment, states=module_states(program, enrolment, today),
            due=due_questionnaires(program, enrolment,
                                   answered.get(context_of(program.slug), set()), today,
                                   requests.get(enrolment.id, [])),
            goals=goals.get(enrolment.id, {})))
    return overview


def saved_version(updated_at: datetime) -> str:
    """The saved version of a worksheet as the page and the autosave answer both give it (UTC,
    milliseconds): a browser draft is put back only on top of the same version."""
    return updated_at.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def page_context(program: Program, module: Module, enrolment: Enrolment, now: datetime,
                 override: dict | None = None, problems: dict | None = None,
                 add_row: str | None = None) -> dict:
    """The module page: its text, the worksheets with what was saved (or `override`, what was
    just posted), `problems` per worksheet, and one more row where `add_row` names a row field."""
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
    versions = {key: saved_version(at) for key, at in saved_at.items()}
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
        "values": values, "saved_at": saved_at, "versions": versions, "problems": problems or {},
        "row_counts": row_counts, "states": states,
        "done_count": done, "total": len(program.modules),
        "is_done": states[index].state == "done",
        "previous": program.modules[index - 1] if index > 0 else None,
        "next_state": states[index + 1] if index + 1 < len(states) else None,
        "options_nb_for": module.options_nb,
        "stale_form": None,
        "first_goals": first_goals,
    }
