"""Recording questionnaire answers: score them, store them, raise risk flags."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from selfhelp.accounts.models import User
from selfhelp.db import db
from selfhelp.measures.definitions import Measure
from selfhelp.measures.models import FlagReason, FlagState, MeasureResult, RiskFlag
from selfhelp.measures.scoring import change, parse_answers, score


class AlreadyAnswered(Exception):
    """This questionnaire was already answered for this occasion."""


@dataclass
class Answered:
    """A stored questionnaire and what it set off."""
    result: MeasureResult
    #: Risk flags the answers raised (the person is shown the crisis page).
    flags: list[RiskFlag] = field(default_factory=list)
    #: Severe scores at intake: more than self-help may be needed (care.services.triage).
    needs_more_help: bool = False


def results_of(resident: User, context: str | None = None) -> list[MeasureResult]:
    query = select(MeasureResult).where(MeasureResult.resident_id == resident.id)
    if context is not None:
        query = query.where(MeasureResult.context == context)
    return list(db.scalars(query.order_by(MeasureResult.answered_at, MeasureResult.id)))


def answered_occasions(resident: User, context: str) -> set[tuple[str, str]]:
    rows = db.execute(select(MeasureResult.measure_code, MeasureResult.occasion).where(
        MeasureResult.resident_id == resident.id, MeasureResult.context == context))
    return {(code, occasion) for code, occasion in rows}


def is_answered(resident: User, measure_code: str, context: str, occasion: str) -> bool:
    return db.scalar(select(MeasureResult.id).where(
        MeasureResult.resident_id == resident.id, MeasureResult.measure_code == measure_code,
        MeasureResult.context == context, MeasureResult.occasion == occasion)) is not None


def record_result(resident: User, measure: Measure, context: str, occasion: str, form,
                  now: datetime) -> tuple[MeasureResult, list[RiskFlag]]:
    """Score and store one questionnaire. Raises IncompleteAnswers (with every missing item) or
    AlreadyAnswered. Returns the result and any risk flags it raised, which staff will see."""
    answers = parse_answers(measure, form)
    if is_answered(resident, measure.code, context, occasion):
        raise AlreadyAnswered()
    scored = score(measure, answers)
    result = MeasureResult(
        resident_id=resident.id, measure_code=measure.code, context=context, occasion=occasion,
        answers=answers, raw_score=scored.raw, score=scored.total, severity=scored.band.severity,
        is_case=scored.is_case, answered_at=now)
    try:
        with db.begin_nested():  # a refused insert leaves the rest of the transaction as it was
            db.add(result)
            db.flush()
    except IntegrityError as error:
        # A double submit: the other request stored this occasion first.
        raise AlreadyAnswered() from error
    flags = [RiskFlag(resident_id=resident.id, result_id=result.id, reason=FlagReason.SELF_HARM_ITEM,
                      score=scored.total, item_value=answers[item], raised_at=now, state=FlagState.OPEN)
             for item in scored.risk_items]
    if measure.code in DETERIORATION_MEASURES and _newly_deteriorated(resident, measure, context, result):
        flags.append(RiskFlag(resident_id=resident.id, result_id=result.id,
                              reason=FlagReason.RELIABLE_DETERIORATION, score=scored.total, raised_at=now,
                              state=FlagState.OPEN))
    from selfhelp.care.chain import assign_owner  # care reads many domains; measures is below them

    for flag in flags:
        assign_owner(flag, resident, now)
    db.add_all(flags)
    db.flush()
    return result, flags


def answer(resident: User, measure: Measure, context: str, occasion: str, form,
           now: datetime) -> Answered:
    """`record_result` for a questionnaire page: the stored result with the flags it raised."""
    result, flags = record_result(resident, measure, context, occasion, form, now)
    return Answered(result, flags)


#: Reliable deterioration on these raises a flag (PRODUCT.md: PHQ-9 up by 6, GAD-7 up by 4).
DETERIORATION_MEASURES = ("PHQ-9", "GAD-7")


def _newly_deteriorated(resident: User, measure: Measure, context: str, latest: MeasureResult) -> bool:
    """True when this answer makes the change since the first one a reliable deterioration and
    the previous answer did not: one flag when it happens, not one every week after."""
    scores = db.scalars(select(MeasureResult.score).where(
        MeasureResult.resident_id == resident.id, MeasureResult.measure_code == measure.code,
        MeasureResult.context == context).order_by(MeasureResult.answered_at, MeasureResult.id)).all()
    if len(scores) < 2:
        return False
    first, previous = scores[0], scores[-2]
    now_worse = change(measure, first, latest.score) == "deteriorated"
    was_worse = len(scores) > 2 and change(measure, first, previous) == "deteriorated"
    return now_worse and not was_worse


def reliable_change_of(measure: Measure, results: list[MeasureResult]) -> str | None:
    """"improved", "deteriorated" or None, from the first to the latest score."""
    if len(results) < 2:
        return None
    return change(measure, results[0].score, results[-1].score)
