"""Writing the assessment note and the plan (each save a new version), the municipality's note
template, and recording review decisions. Services flush and audit; views commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.db import db
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult
from selfhelp.pathway.models import (
    DECISIONS, AssessmentNote, AssessmentTemplate, CarePlan, ReviewDecision,
)

#: The note's fields an admin's template may pre-fill (scores come from the results instead).
TEMPLATE_FIELDS = ("reason", "risk", "chosen_help", "goals")
#: The measures whose latest scores pre-fill "scores at intake".
INTAKE_MEASURES = ("PHQ-9", "GAD-7", "WHO-5")


class PathwayError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class AssessmentText:
    reason: str = ""
    intake_scores: str = ""
    risk: str = ""
    chosen_help: str = ""
    goals: str = ""


@dataclass
class PlanText:
    help: str = ""
    frequency: str = ""
    evaluate_on: date | None = None


# --- reading -------------------------------------------------------------------------------------

def assessments(resident_id: int) -> list[AssessmentNote]:
    """Every version, newest first."""
    return list(db.scalars(select(AssessmentNote).where(AssessmentNote.resident_id == resident_id)
                           .order_by(AssessmentNote.version.desc())))


def plans(resident_id: int) -> list[CarePlan]:
    return list(db.scalars(select(CarePlan).where(CarePlan.resident_id == resident_id)
                           .order_by(CarePlan.version.desc())))


def decisions(resident_id: int) -> list[ReviewDecision]:
    return list(db.scalars(select(ReviewDecision).where(ReviewDecision.resident_id == resident_id)
                           .order_by(ReviewDecision.decided_at.desc(), ReviewDecision.id.desc())))


def current_assessment(resident_id: int) -> AssessmentNote | None:
    return db.scalar(select(AssessmentNote).where(AssessmentNote.resident_id == resident_id)
                     .order_by(AssessmentNote.version.desc()).limit(1))


def current_plan(resident_id: int) -> CarePlan | None:
    return db.scalar(select(CarePlan).where(CarePlan.resident_id == resident_id)
                     .order_by(CarePlan.version.desc()).limit(1))


def template_for(municipality_code: str | None) -> dict[str, str]:
    template = db.get(AssessmentTemplate, municipality_code or "")
    fields = template.fields if template else {}
    return {name: fields.get(name, "") for name in TEMPLATE_FIELDS}


def intake_scores_text(resident_id: int, format_date) -> str:
    """"PHQ-9: 14 (Moderat), 2. mars 2026" for each of the latest PHQ-9, GAD-7 and WHO-5."""
    measures = get_measures()
    lines = []
    for code in INTAKE_MEASURES:
        result = db.scalar(select(MeasureResult).where(
            MeasureResult.resident_id == resident_id, MeasureResult.measure_code == code)
            .order_by(MeasureResult.answered_at.desc(), MeasureResult.id.desc()).limit(1))
        if result is None or code not in measures:
            continue
        band = measures[code].band_for(result.score).label
        lines.append(f"{code}: {result.score} ({band.get('nb', '')}), {format_date(result.answered_at)}")
    return "\n".join(lines)


def prefilled_assessment(resident: User, format_date) -> AssessmentText:
    """What a new version starts from: the current version, or else the municipality's template
    and the latest scores."""
    current = current_assessment(resident.id)
    if current is not None:
        return AssessmentText(current.reason, current.intake_scores, current.risk, current.chosen_help,
                              current.goals)
    template = template_for(resident.municipality_code)
    return AssessmentText(reason=template["reason"], intake_scores=intake_scores_text(resident.id, format_date),
                          risk=template["risk"], chosen_help=template["chosen_help"], goals=template["goals"])


# --- writing -------------------------------------------------------------------------------------

def _next_version(model, resident_id: int) -> int:
    return (db.scalar(select(func.max(model.version)).where(model.resident_id == resident_id)) or 0) + 1


def save_assessment(actor: User, role: str, resident: User, text: AssessmentText,
                    now: datetime) -> AssessmentNote:
    """Add a version of the assessment note; the earlier ones stay as they were."""
    values = {name: (getattr(text, name) or "").strip() for name in AssessmentText.__dataclass_fields__}
    if not any(values.values()):
        raise PathwayError("empty")
    note = AssessmentNote(resident_id=resident.id, version=_next_version(AssessmentNote, resident.id),
                          author_id=actor.id, created_at=now, **values)
    db.add(note)
    db.flush()
    audit(actor, role, [resident.id], "assessment", "create", now, record_id=note.id)
    return note


def save_plan(actor: User, role: str, resident: User, text: PlanText, now: datetime) -> CarePlan:
    """Add a version of the plan."""
    if not (text.help or "").strip():
        raise PathwayError("help_missing")
    plan = CarePlan(resident_id=resident.id, version=_next_version(CarePlan, resident.id),
                    help=text.help.strip(), frequency=(text.frequency or "").strip(),
                    evaluate_on=text.evaluate_on, author_id=actor.id, created_at=now)
    db.add(plan)
    db.flush()
    audit(actor, role, [resident.id], "care_plan", "create", now, record_id=plan.id)
    return plan


def record_decision(actor: User, role: str, resident: User, context: str, checkpoint: str,
                    decision: str, reason: str, now: datetime) -> ReviewDecision:
    """Record what a review decided, and why. One decision per review (checkpoint)."""
    if decision not in DECISIONS:
        raise PathwayError("decision")
    if not (reason or "").strip():
        raise PathwayError("reason_missing")
    if db.scalar(select(ReviewDecision.id).where(
            ReviewDecision.resident_id == resident.id, ReviewDecision.context == context,
            ReviewDecision.checkpoint == checkpoint)) is not None:
        raise PathwayError("already_decided")
    row = ReviewDecision(resident_id=resident.id, context=context, checkpoint=checkpoint,
                         decision=decision, reason=reason.strip(), decided_by_id=actor.id,
                         decided_at=now)
    db.add(row)
    db.flush()
    audit(actor, role, [resident.id], "review_decision", "create", now, record_id=row.id)
    return row


def save_template(actor: User, municipality_code: str, fields: dict[str, str], now: datetime) -> AssessmentTemplate:
    if municipality_code not in actor.municipality_codes:
        raise PathwayError("municipality")
    template = db.get(AssessmentTemplate, municipality_code)
    if template is None:
        template = AssessmentTemplate(municipality_code=municipality_code)
        db.add(template)
    template.fields = {name: (fields.get(name) or "").strip() for name in TEMPLATE_FIELDS}
    template.updated_by_id, template.updated_at = actor.id, now
    db.flush()
    return template
