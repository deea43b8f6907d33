"""The stepped-care review rule (measurement-based care).

A guided resident is reviewed when they show no reliable improvement by week 3 (early response)
and again by week 7 (late response), and whenever they reliably deteriorate. Reliable change is
NHS Talking Therapies': PHQ-9 down by 6 or GAD-7 down by 4 (and neither reliably worse) is an
improvement; PHQ-9 up by 6 or GAD-7 up by 4 a deterioration; always from the first answer in the
program to the latest. A course participant is reviewed at each measured session after the first
on the course's outcome measure (measures.scoring.change).

A review is open until a decision is recorded for its checkpoint (week-3, week-7,
deterioration-<result id where it began> or session-<number>); a later checkpoint replaces an
earlier one nobody answered. Everything is read in a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, tuple_

from selfhelp.content import get_catalogue
from selfhelp.courses.models import Application, ApplicationState, Cohort
from selfhelp.courses.outcomes import measured_sessions
from selfhelp.db import db
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult
from selfhelp.measures.scoring import change, reliable_deterioration, reliable_improvement
from selfhelp.pathway.models import ReviewDecision
from selfhelp.programs.models import Enrolment, EnrolmentState
from selfhelp.programs.schedule import paused_days

#: Weeks at which a guided resident without reliable improvement is reviewed.
CHECK_WEEKS = (3, 7)
PROGRAM_MEASURES = ("PHQ-9", "GAD-7")


@dataclass(frozen=True)
class ReviewItem:
    resident_id: int
    context: str
    checkpoint: str
    #: no_improvement or deterioration
    reason: str
    #: measure code -> (first score, latest score)
    scores: dict = field(default_factory=dict)

    @property
    def week(self) -> int | None:
        return int(self.checkpoint.split("-")[1]) if self.checkpoint.startswith("week-") else None

    @property
    def session(self) -> int | None:
        return int(self.checkpoint.split("-")[1]) if self.checkpoint.startswith("session-") else None


def _decided(keys: list[tuple[int, str]]) -> set[tuple[int, str, str]]:
    """(resident id, context, checkpoint) of the decisions already recorded for these people."""
    if not keys:
        return set()
    return {tuple(row) for row in db.execute(
        select(ReviewDecision.resident_id, ReviewDecision.context, ReviewDecision.checkpoint)
        .where(tuple_(ReviewDecision.resident_id, ReviewDecision.context).in_(keys)))}


def _results(keys: list[tuple[int, str]], codes) -> dict[tuple[int, str], list[MeasureResult]]:
    out: dict[tuple[int, str], list[MeasureResult]] = {}
    if not keys:
        return out
    for result in db.scalars(select(MeasureResult).where(
            tuple_(MeasureResult.resident_id, MeasureResult.context).in_(keys),
            MeasureResult.measure_code.in_(list(codes)))
            .order_by(MeasureResult.answered_at, MeasureResult.id)):
        out.setdefault((result.resident_id, result.context), []).append(result)
    return out


def _program_item(enrolment: Enrolment, results: list[MeasureResult], decided: set,
                  today: date) -> ReviewItem | None:
    context = f"program:{enrolment.program_slug}"
    first: dict[str, int] = {}
    latest: dict[str, int] = {}
    run_start = None  # the result where the current reliable deterioration began
    for result in results:
        first.setdefault(result.measure_code, result.score)
        latest[result.measure_code] = result.score
        worse = reliable_deterioration(first.get("PHQ-9"), latest.get("PHQ-9"),
                                       first.get("GAD-7"), latest.get("GAD-7"))
        run_start = (run_start or result) if worse else None
    if not first:
        return None  # nothing measured: no measurement-based review
    scores = {code: (first[code], latest[code]) for code in first}
    if run_start is not None:
        checkpoint = f"deterioration-{run_start.id}"
        if (enrolment.resident_id, context, checkpoint) not in decided:
            return ReviewItem(enrolment.resident_id, context, checkpoint, "deterioration", scores)
    weeks_in = (today - enrolment.start_date).days - paused_days(enrolment, today)
    reached = [week for week in CHECK_WEEKS if weeks_in >= week * 7]
    if not reached:
        return None
    checkpoint = f"week-{reached[-1]}"
    if reliable_improvement(first.get("PHQ-9"), latest.get("PHQ-9"), first.get("GAD-7"), latest.get("GAD-7")):
        return None
    if (enrolment.resident_id, context, checkpoint) in decided:
        return None
    return ReviewItem(enrolment.resident_id, context, checkpoint, "no_improvement", scores)


def program_reviews(enrolments: list[Enrolment], today: date) -> dict[int, ReviewItem]:
    """Enrolment id -> the open review, for guided programs that are running or paused."""
    programs = get_catalogue().programs
    chosen = [e for e in enrolments if e.state in (EnrolmentState.ACTIVE, EnrolmentState.PAUSED)
              and programs.get(e.program_slug) is not None and programs[e.program_slug].guided]
    keys = list({(e.resident_id, f"program:{e.program_slug}") for e in chosen})
    results = _results(keys, PROGRAM_MEASURES)
    decided = _decided(keys)
    out = {}
    for enrolment in chosen:
        item = _program_item(enrolment, results.get((enrolment.resident_id, f"program:{enrolment.program_slug}"), []),
                             decided, today)
        if item is not None:
            out[enrolment.id] = item
    return out


def cohort_reviews(cohort: Cohort, applications: list[Application]) -> dict[int, ReviewItem]:
    """Application id -> the open review of an admitted participant: at the latest measured
    session they answered after the first, when the outcome measure has not reliably improved."""
    course = get_catalogue().courses.get(cohort.course_code)
    measure = get_measures().get(course.outcome_measure) if course and course.outcome_measure else None
    if measure is None:
        return {}
    context = f"cohort:{cohort.id}"
    admitted = [a for a in applications if a.state == ApplicationState.ADMITTED]
    keys = [(a.resident_id, context) for a in admitted]
    results = _results(keys, [measure.code])
    decided = _decided(keys)
    numbers = [s.number for s in measured_sessions(cohort.sessions)]
    out = {}
    for application in admitted:
        by_occasion = {r.occasion: r.score for r in results.get((application.resident_id, context), [])}
        answered = [n for n in numbers if f"session-{n}" in by_occasion]
        if len(answered) < 2 or answered[0] != numbers[0]:
            continue
        first, last = by_occasion[f"session-{answered[0]}"], by_occasion[f"session-{answered[-1]}"]
        moved = change(measure, first, last)
        checkpoint = f"session-{answered[-1]}"
        if moved == "improved" or (application.resident_id, context, checkpoint) in decided:
            continue
        out[application.id] = ReviewItem(application.resident_id, context, checkpoint,
                                         "deterioration" if moved == "deteriorated" else "no_improvement",
                                         {measure.code: (first, last)})
    return out


def open_reviews_for(resident_id: int, today: date) -> list[ReviewItem]:
    """Every open review of one resident (their programs and courses)."""
    enrolments = list(db.scalars(select(Enrolment).where(Enrolment.resident_id == resident_id)))
    items = list(program_reviews(enrolments, today).values())
    for application in db.scalars(select(Application).where(Application.resident_id == resident_id,
                                                            Application.state == ApplicationState.ADMITTED)):
        item = cohort_reviews(application.cohort, [application]).get(application.id)
        if item is not None:
            items.append(item)
    return items
