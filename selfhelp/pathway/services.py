"""Writing the assessment note and the plan (each save a new version), the municipality's note
template, and recording review decisions. Services flush and audit; the request commits.
Reading them (and the pages that show them) is ``pathway.queries``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.db import db
from selfhelp.pathway.models import (
    DECISIONS, AssessmentNote, AssessmentTemplate, CarePlan, ReviewDecision,
)

#: The note's fields an admin's template may pre-fill (scores come from the results instead).
TEMPLATE_FIELDS = ("reason", "risk", "chosen_help", "goals")


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
