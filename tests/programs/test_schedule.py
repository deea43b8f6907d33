"""Module unlocking and questionnaire timing, as pure functions of the plan and dates."""
from datetime import date, datetime, timezone

from selfhelp.programs.models import Enrolment, ModuleProgress
from selfhelp.programs.schedule import due_questionnaires, module_states
from tests.programs.helpers import program

START = date(2026, 3, 2)


def _enrolment(**kw) -> Enrolment:
    e = Enrolment(resident_id=1, program_slug=kw.pop("slug", "depression"), start_date=START,
                  started_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                  state=kw.pop("state", "active"), unlocked_through=kw.pop("unlocked_through", 1),
                  finished_at=kw.pop("finished_at", None))
    e.progress = [ModuleProgress(module_slug=s, opened_at=e.started_at,
                                 completed_at=e.started_at) for s in kw.pop("done", [])]
    return e


def _states(prog, enrolment, today):
    return [s.state for s in module_states(prog, enrolment, today)]


def test_weekly_programs_open_one_module_a_week_from_the_start_date():
    prog = program("depression")
    enrolment = _enrolment()
    assert _states(prog, enrolment, START)[:3] == ["open", "locked", "locked"]
    assert _states(prog, enrolment, date(2026, 3, 8))[:2] == ["open", "locked"]
    assert _states(prog, enrolment, date(2026, 3, 9))[:3] == ["open", "open", "locked"]
    states = module_states(prog, enrolment, START)
    assert states[2].opens_on == date(2026, 3, 16)


def test_completed_modules_show_as_done():
    prog = program("depression")
    enrolment = _enrolment(done=[prog.modules[0].slug])
    assert _states(prog, enrolment, START)[:2] == ["done", "locked"]


def test_a_guide_can_open_modules_early():
    prog = program("depression")
    assert _states(prog, _enrolment(unlocked_through=3), START)[:4] == ["open", "open", "open", "locked"]


def test_on_completion_programs_open_the_next_module_when_the_previous_is_done():
    prog = program("while-you-wait")
    assert _states(prog, _enrolment(slug="while-you-wait"), START) == ["open", "locked", "locked"]
    done_first = _enrolment(slug="while-you-wait", done=[prog.modules[0].slug])
    assert _states(prog, done_first, START) == ["done", "open", "locked"]


def test_a_paused_program_opens_nothing_new():
    prog = program("depression")
    assert _states(prog, _enrolment(state="paused"), date(2026, 3, 20))[:3] == ["open", "locked", "locked"]


def _due(prog, enrolment, today, answered=()):
    return {(d.code, d.occasion) for d in due_questionnaires(prog, enrolment, set(answered), today)}


def test_start_questionnaires_are_due_at_once():
    due = _due(program("depression"), _enrolment(), START)
    assert due == {("PHQ-9", "start"), ("GAD-7", "start"), ("WHO-5", "start")}


def test_weekly_questionnaire_is_due_each_week_and_a_missed_one_is_replaced():
    prog, enrolment = program("depression"), _enrolment()
    answered = [("PHQ-9", "start"), ("GAD-7", "start"), ("WHO-5", "start")]
    assert _due(prog, enrolment, date(2026, 3, 8), answered) == set()
    assert _due(prog, enrolment, date(2026, 3, 9), answered) == {("PHQ-9", "week-1")}
    # Week 1 was never answered; in week 2 only week 2's is asked for.
    assert _due(prog, enrolment, date(2026, 3, 17), answered) == {("PHQ-9", "week-2")}


def test_end_and_follow_up_questionnaires_come_after_the_end():
    prog = program("depression")
    finished = _enrolment(state="finished", finished_at=datetime(2026, 5, 1, 10, tzinfo=timezone.utc))
    answered = {(c, "start") for c in ("PHQ-9", "GAD-7", "WHO-5")}
    assert _due(prog, finished, date(2026, 5, 1), answered) == {
        ("PHQ-9", "end"), ("GAD-7", "end"), ("WHO-5", "end")}
    answered |= {(c, "end") for c in ("PHQ-9", "GAD-7", "WHO-5")}
    assert _due(prog, finished, date(2026, 7, 31), answered) == set()
    assert _due(prog, finished, date(2026, 8, 1), answered) == {
        ("PHQ-9", "followup-3"), ("GAD-7", "followup-3"), ("WHO-5", "followup-3")}
    assert ("PHQ-9", "followup-6") in _due(prog, finished, date(2026, 11, 1), answered)
