"""Follow-up questionnaires at 3, 6 and 12 months after a program: planned and due."""
from datetime import date, datetime, timezone

from selfhelp.content import get_catalogue
from selfhelp.programs.notices import notices_due
from selfhelp.programs.models import Enrolment
from selfhelp.programs.schedule import due_questionnaires
from tests import factories

UTC = timezone.utc


def _finished_a_year_ago(db):
    resident = factories.make_resident()
    # Depression runs 8 weeks: 6 Jan – 3 Mar 2025, finished on the last day.
    enrolment = Enrolment(resident_id=resident.id, program_slug="depression",
                          started_at=datetime(2025, 1, 6, 9, tzinfo=UTC), start_date=date(2025, 1, 6),
                          state="finished", finished_at=datetime(2025, 3, 3, 10, tzinfo=UTC))
    db.add(enrolment)
    db.flush()
    return enrolment


def test_the_depression_program_asks_at_three_six_and_twelve_months():
    assert get_catalogue().programs["depression"].followup_months == (3, 6, 12)


def test_the_twelve_month_follow_up_notice_is_planned_a_year_after_the_end(db):
    enrolment = _finished_a_year_ago(db)
    # 3 March 2026 09:00 in Oslo (08:00 UTC), a year after the program ended.
    planned = notices_due(datetime(2026, 3, 3, 8, 30, tzinfo=UTC))
    mine = [p for p in planned if p.occurrence.startswith(f"enrolment:{enrolment.id}:")]
    assert [(p.kind, p.occurrence, p.context["occasion"]) for p in mine] == [
        ("followup_due", f"enrolment:{enrolment.id}:followup:12", "followup-12")]
    assert mine[0].due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def test_nothing_is_planned_between_the_follow_ups(db):
    enrolment = _finished_a_year_ago(db)
    planned = notices_due(datetime(2026, 1, 15, 8, 30, tzinfo=UTC))
    assert not [p for p in planned if p.occurrence.startswith(f"enrolment:{enrolment.id}:")]


def test_the_twelve_month_questionnaires_are_due_from_that_day(db):
    enrolment = _finished_a_year_ago(db)
    program = get_catalogue().programs["depression"]
    answered = {(code, f"followup-{m}") for code in ("PHQ-9", "GAD-7", "WHO-5") for m in (3, 6)}
    answered |= {(code, "end") for code in ("PHQ-9", "GAD-7", "WHO-5")}
    answered |= {(code, "start") for code in ("PHQ-9", "GAD-7", "WHO-5")}
    assert due_questionnaires(program, enrolment, answered, date(2026, 3, 2)) == []
    due = due_questionnaires(program, enrolment, answered, date(2026, 3, 3))
    assert {(d.code, d.occasion) for d in due} == {
        ("PHQ-9", "followup-12"), ("GAD-7", "followup-12"), ("WHO-5", "followup-12")}
