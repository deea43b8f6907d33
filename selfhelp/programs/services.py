"""Program rules: starting, opening and finishing modules, saving worksheets."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care.services import triage
from selfhelp.clock import local
from selfhelp.content.model import Exercise, Module, Program
from selfhelp.db import db
from selfhelp.measures.definitions import Measure
from selfhelp.measures.services import Answered, record_result
from selfhelp.programs.models import (
    Enrolment, EnrolmentState, ModuleProgress, QuestionnaireRequest, WorksheetAnswer,
    WorksheetVersion,
)
from selfhelp.programs.schedule import EXTEND_WEEKS, is_module_open, module_states, plan_switch
from selfhelp.programs.worksheets import parse_worksheet

#: Saves closer together than this update the newest version instead of adding one.
VERSION_WINDOW = timedelta(minutes=10)


class ProgramError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find_enrolment(resident: User, program_slug: str) -> Enrolment | None:
    return db.scalar(select(Enrolment).where(Enrolment.resident_id == resident.id,
                                             Enrolment.program_slug == program_slug))


def enrolments_of(resident: User) -> list[Enrolment]:
    return list(db.scalars(select(Enrolment).where(Enrolment.resident_id == resident.id)
                           .order_by(Enrolment.started_at.desc())))


def start_program(resident: User, program: Program, now: datetime) -> Enrolment:
    """Start (or resume) a program. Starting again keeps everything written before. Someone
    under the program's minimum age (or without a birth date to tell) cannot start it."""
    if not resident.is_resident:
        raise ProgramError("not_resident")
    enrolment = find_enrolment(resident, program.slug)
    if enrolment is not None:
        if enrolment.state == EnrolmentState.PAUSED:
            if paused_by_staff(enrolment):
                raise ProgramError("paused_by_guide")
            resume(enrolment, local(now).date())
        return enrolment
    if program.min_age is not None:
        age = resident.age_on(local(now).date())
        if age is None:
            raise ProgramError("no_birth_date")
        if age < program.min_age:
            raise ProgramError("too_young")
    enrolment = Enrolment(resident_id=resident.id, program_slug=program.slug, started_at=now,
                          start_date=local(now).date(), state=EnrolmentState.ACTIVE, unlocked_through=1,
                          last_activity_at=now)
    db.add(enrolment)
    db.flush()
    return enrolment


def _touch(enrolment: Enrolment, module: Module, now: datetime) -> ModuleProgress:
    enrolment.current_module = module.slug
    enrolment.last_activity_at = now
    progress = next((p for p in enrolment.progress if p.module_slug == module.slug), None)
    if progress is None:
        progress = ModuleProgress(module_slug=module.slug, opened_at=now)
        enrolment.progress.append(progress)
    return progress


def open_module(enrolment: Enrolment, program: Program, module: Module, now: datetime) -> None:
    """Record that the resident opened a module (to resume there next time)."""
    if not is_module_open(program, enrolment, module, local(now).date()):
        raise ProgramError("locked")
    _touch(enrolment, module, now)


def complete_module(enrolment: Enrolment, program: Program, module: Module, now: datetime) -> None:
    if not is_module_open(program, enrolment, module, local(now).date()):
        raise ProgramError("locked")
    progress = _touch(enrolment, module, now)
    progress.completed_at = progress.completed_at or now
    done = {p.module_slug for p in enrolment.progress if p.completed_at}
    if all(m.slug in done for m in program.modules) and enrolment.state != EnrolmentState.FINISHED:
        enrolment.state = EnrolmentState.FINISHED
        enrolment.finished_at = now


def answers_for(enrolment: Enrolment, module_slug: str | None = None) -> dict[tuple[str, str], WorksheetAnswer]:
    query = select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id == enrolment.id)
    if module_slug:
        query = query.where(WorksheetAnswer.module_slug == module_slug)
    return {(a.module_slug, a.exercise_key): a for a in db.scalars(query)}


def find_answer(enrolment: Enrolment, module_slug: str, exercise_key: str) -> WorksheetAnswer | None:
    return db.scalar(select(WorksheetAnswer).where(
        WorksheetAnswer.enrolment_id == enrolment.id, WorksheetAnswer.module_slug == module_slug,
        WorksheetAnswer.exercise_key == exercise_key))


def save_worksheet(enrolment: Enrolment, program: Program, module: Module, exercise: Exercise,
                   form, now: datetime) -> tuple[WorksheetAnswer, dict[str, str]]:
    """Save what was typed (always), and return the problems to show beside the fields."""
    data, problems = parse_worksheet(
        exercise, form, lambda field, column: module.options_nb(exercise.key, field, column))
    answer = find_answer(enrolment, module.slug, exercise.key)
    if answer is None:
        answer = WorksheetAnswer(enrolment_id=enrolment.id, module_slug=module.slug,
                                 exercise_key=exercise.key, data=data, created_at=now, updated_at=now)
        db.add(answer)
        db.flush()
    else:
        answer.data = data
        answer.updated_at = now
    newest = db.scalar(select(WorksheetVersion).where(WorksheetVersion.answer_id == answer.id)
                       .order_by(WorksheetVersion.saved_at.desc()).limit(1))
    if newest is not None and now - newest.saved_at < VERSION_WINDOW:
        newest.data = data
        newest.saved_at = now
    else:
        db.add(WorksheetVersion(answer_id=answer.id, data=data, saved_at=now))
    enrolment.last_activity_at = now
    enrolment.current_module = module.slug
    db.flush()
    return answer, problems


def context_of(program_slug: str) -> str:
    """Where a program's questionnaire answers are stored (MeasureResult.context)."""
    return f"program:{program_slug}"


def answer_questionnaire(resident: User, program: Program, measure: Measure, occasion: str, form,
                         now: datetime) -> Answered:
    """Store a program questionnaire. The start questionnaires are the intake: they are read as
    triage (severe scores open an assessment task). Raises IncompleteAnswers or AlreadyAnswered."""
    result, flags = record_result(resident, measure, context_of(program.slug), occasion, form, now)
    needs_more_help = occasion == "start" and triage(resident, result, flags, now).needs_more_help
    return Answered(result, flags, needs_more_help)


def questionnaire_requests(enrolment: Enrolment) -> list[QuestionnaireRequest]:
    return list(db.scalars(select(QuestionnaireRequest)
                           .where(QuestionnaireRequest.enrolment_id == enrolment.id)))


# --- what a guide may change ("a railroad with switches") -------------------------------------

def open_next_module(enrolment: Enrolment, program: Program, today: date) -> Module | None:
    """Open the first module that is still locked today. Returns it, or None when none is locked
    (then nothing changes)."""
    locked = next((s.module for s in module_states(program, enrolment, today) if s.state == "locked"), None)
    if locked is None:
        return None
    enrolment.unlocked_through = max(enrolment.unlocked_through, locked.number)
    return locked


def paused_by_staff(enrolment: Enrolment) -> bool:
    return (enrolment.state == EnrolmentState.PAUSED and enrolment.paused_by_id is not None
            and enrolment.paused_by_id != enrolment.resident_id)


def pause(enrolment: Enrolment, actor: User, today: date) -> bool:
    """Pause from today; False when it was not running."""
    if enrolment.state != EnrolmentState.ACTIVE:
        return False
    enrolment.state, enrolment.paused_on, enrolment.paused_by_id = EnrolmentState.PAUSED, today, actor.id
    return True


def resume(enrolment: Enrolment, today: date) -> bool:
    """End the pause; the modules still to open move on by its length. False when not paused."""
    if enrolment.state != EnrolmentState.PAUSED:
        return False
    if enrolment.paused_on is not None:
        enrolment.pause_days = (enrolment.pause_days or 0) + max(0, (today - enrolment.paused_on).days)
    enrolment.state, enrolment.paused_on, enrolment.paused_by_id = EnrolmentState.ACTIVE, None, None
    return True


def extend(enrolment: Enrolment, weeks: int) -> None:
    enrolment.extra_weeks = max(0, (enrolment.extra_weeks or 0) + weeks)


def request_questionnaire(actor: User, enrolment: Enrolment, measure_code: str,
                          now: datetime) -> QuestionnaireRequest:
    request = QuestionnaireRequest(enrolment_id=enrolment.id, measure_code=measure_code,
                                   requested_by_id=actor.id, requested_at=now)
    db.add(request)
    db.flush()
    return request


def available_switches(enrolment: Enrolment) -> list[str]:
    """The switches that make sense now: pause or resume, never both."""
    if enrolment.state == "finished":
        return ["questionnaire"]
    return ["unlock", "resume" if enrolment.state == "paused" else "pause", "extend", "questionnaire"]


def switch_program(guide: User, enrolment: Enrolment, program: Program, action: str, now: datetime,
                   measure_code: str | None = None, expected: str | None = None) -> Module | None:
    """Open the next module early, pause, resume, extend by two weeks, or ask for an extra
    questionnaire (`measure_code`). Returns the module opened by "unlock" (None when none was
    locked). The change is in the audit log.

    `expected` is the fingerprint of the plan the guide confirmed (`plan_switch`): when the
    program has changed since (another guide, a second click, a new day), nothing is done and
    ProgramError("changed") is raised, so a switch only ever does what its page said."""
    if action not in available_switches(enrolment):
        raise ProgramError("switch")
    today = local(now).date()
    if expected is not None and expected != plan_switch(program, enrolment, action,
                                                         today).fingerprint:
        raise ProgramError("changed")
    opened = None
    if action == "unlock":
        opened = open_next_module(enrolment, program, today)
    elif action == "pause":
        pause(enrolment, guide, today)
    elif action == "resume":
        resume(enrolment, today)
    elif action == "extend":
        extend(enrolment, EXTEND_WEEKS)
    elif measure_code:
        request_questionnaire(guide, enrolment, measure_code, now)
    else:
        raise ProgramError("measure")
    audit(guide, "guide", [enrolment.resident_id], "program", "change", now, record_id=enrolment.id)
    return opened
