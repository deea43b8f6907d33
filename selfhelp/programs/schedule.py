"""When modules open and which questionnaires are due: pure functions of the plan and the dates."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from selfhelp.content.model import Module, Program
from selfhelp.programs.models import Enrolment, EnrolmentState
from selfhelp.clock import local


@dataclass(frozen=True)
class ModuleState:
    module: Module
    #: done, open or locked
    state: str
    opens_on: date | None


def _done_slugs(enrolment: Enrolment) -> set[str]:
    return {p.module_slug for p in enrolment.progress if p.completed_at is not None}


def paused_days(enrolment: Enrolment, today: date) -> int:
    """Days the program has been paused so far: ended pauses plus the current one."""
    days = enrolment.pause_days or 0
    if enrolment.state == EnrolmentState.PAUSED and enrolment.paused_on is not None:
        days += max(0, (today - enrolment.paused_on).days)
    return days


def module_states(program: Program, enrolment: Enrolment | None, today: date) -> list[ModuleState]:
    """Each module's state. Weekly programs open one module a week from the start date, later by
    the days spent on pause; others open the next when the previous is done. A guide may have
    opened modules early (unlocked_through)."""
    if enrolment is None:
        return [ModuleState(m, "locked", None) for m in program.modules]
    done = _done_slugs(enrolment)
    states = []
    previous_done = True
    delay = timedelta(days=paused_days(enrolment, today))
    for module in program.modules:
        if program.unlock == "weekly":
            opens_on = enrolment.start_date + timedelta(weeks=module.number - 1) + delay
            is_open = today >= opens_on
        else:
            opens_on = None
            is_open = previous_done
        is_open = is_open or module.number <= enrolment.unlocked_through
        if enrolment.state == EnrolmentState.PAUSED and module.slug not in done and module.number > enrolment.unlocked_through:
            is_open = is_open and any(p.module_slug == module.slug for p in enrolment.progress)
        state = "done" if module.slug in done else ("open" if is_open else "locked")
        states.append(ModuleState(module, state, opens_on if state == "locked" else None))
        previous_done = module.slug in done
    return states


def is_module_open(program: Program, enrolment: Enrolment, module: Module, today: date) -> bool:
    return next(s.state for s in module_states(program, enrolment, today) if s.module is module) != "locked"


@dataclass(frozen=True)
class DueQuestionnaire:
    code: str
    occasion: str
    due_on: date


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def end_date(program: Program, enrolment: Enrolment) -> date:
    """The planned end (later by ended pauses), or the day the program was finished if that came first."""
    planned = enrolment.start_date + timedelta(weeks=program.weeks + (enrolment.extra_weeks or 0),
                                               days=enrolment.pause_days or 0)
    if enrolment.finished_at is not None:
        return min(planned, local(enrolment.finished_at).date())
    return planned


def due_questionnaires(program: Program, enrolment: Enrolment, answered: set[tuple[str, str]],
                       today: date, requests: list | None = None) -> list[DueQuestionnaire]:
    """Questionnaires the resident should answer now. A missed weekly one is replaced by the
    current week's, so nobody faces a pile of old forms."""
    due: list[DueQuestionnaire] = []
    end = end_date(program, enrolment)
    for plan in program.measures:
        candidates: list[DueQuestionnaire] = []
        if "start" in plan.when:
            candidates.append(DueQuestionnaire(plan.code, "start", enrolment.start_date))
        if "weekly" in plan.when and enrolment.state == EnrolmentState.ACTIVE:
            week = (today - enrolment.start_date).days // 7
            if 1 <= week < program.weeks + (enrolment.extra_weeks or 0) and enrolment.start_date + timedelta(weeks=week) < end:
                candidates.append(DueQuestionnaire(plan.code, f"week-{week}",
                                                   enrolment.start_date + timedelta(weeks=week)))
        if "end" in plan.when and (enrolment.state == EnrolmentState.FINISHED or today >= end):
            candidates.append(DueQuestionnaire(plan.code, "end", end))
        if "followup" in plan.when:
            for months in program.followup_months:
                on = add_months(end, months)
                if today >= on:
                    candidates.append(DueQuestionnaire(plan.code, f"followup-{months}", on))
        due.extend(c for c in candidates if c.due_on <= today and (c.code, c.occasion) not in answered)

    for request in requests or []:  # extra questionnaires a guide sent
        occasion = f"extra-{request.id}"
        if (request.measure_code, occasion) not in answered:
            due.append(DueQuestionnaire(request.measure_code, occasion, local(request.requested_at).date()))
    return due


# --- what a guide's switch will do (shown on its confirmation page, checked when it is done) -----

@dataclass(frozen=True)
class Moved:
    module: Module
    #: The date it would open without the change, and the date it opens with it (None: not
    #: known yet, e.g. while a pause lasts).
    before: date | None
    after: date | None


@dataclass(frozen=True)
class SwitchPlan:
    action: str
    #: "unlock": the module that opens now, and the date it was to open (None: when the one
    #: before is done, or none is locked).
    opens: Module | None = None
    opens_on: date | None = None
    #: "pause" and "resume": the modules still locked and how their dates move.
    moved: tuple[Moved, ...] = ()
    #: "resume": the days the pause lasted.
    pause_days: int = 0
    #: "extend": the planned end before and after.
    end_before: date | None = None
    end_after: date | None = None
    #: What the plan was made from: the switch is done only while this is unchanged, so it does
    #: what the page said (and a second click does not do it twice).
    fingerprint: str = ""


EXTEND_WEEKS = 2


def _fingerprint(action: str, enrolment: Enrolment, today: date) -> str:
    parts = (action, str(enrolment.state), enrolment.unlocked_through, enrolment.extra_weeks or 0,
             enrolment.pause_days or 0, enrolment.paused_on, today,
             ",".join(sorted(_done_slugs(enrolment))))
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def plan_switch(program: Program, enrolment: Enrolment, action: str, today: date) -> SwitchPlan:
    """What `action` (unlock, pause, resume, extend, questionnaire) will do to this resident's
    program if done today."""
    states = module_states(program, enrolment, today)
    locked = [s for s in states if s.state == "locked"]
    fingerprint = _fingerprint(action, enrolment, today)
    if action == "unlock":
        first = locked[0] if locked else None
        return SwitchPlan(action, opens=first.module if first else None,
                          opens_on=first.opens_on if first else None, fingerprint=fingerprint)
    if action == "pause":
        return SwitchPlan(action, moved=tuple(Moved(s.module, s.opens_on, None) for s in locked),
                          fingerprint=fingerprint)
    if action == "resume":
        days = max(0, (today - enrolment.paused_on).days) if enrolment.paused_on else 0
        # While paused, the dates shown already count the pause up to today.
        return SwitchPlan(action, pause_days=days, moved=tuple(
            Moved(s.module, s.opens_on - timedelta(days=days) if s.opens_on else None, s.opens_on)
            for s in locked), fingerprint=fingerprint)
    if action == "extend":
        end = end_date(program, enrolment)
        return SwitchPlan(action, end_before=end, end_after=end + timedelta(weeks=EXTEND_WEEKS),
                          fingerprint=fingerprint)
    return SwitchPlan(action, fingerprint=fingerprint)
