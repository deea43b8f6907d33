"""The resident's dashboard: each program with its current module, what is due and the goals.

Four queries whatever the number of programs, modules or answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.clock import local
from selfhelp.content import get_catalogue
from selfhelp.content.model import Module, Program
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult
from selfhelp.programs.models import Enrolment, QuestionnaireRequest, WorksheetAnswer
from selfhelp.programs.schedule import DueQuestionnaire, ModuleState, due_questionnaires, module_states


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


def context_of(program_slug: str) -> str:
    return f"program:{program_slug}"


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
