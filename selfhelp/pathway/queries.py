"""Reading the assessment notes, plans and review decisions, and the staff pages that show them.
Each staff page records its view of the resident in the audit log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.db import db
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult
from selfhelp.pathway.access import serving_role
from selfhelp.pathway.models import AssessmentNote, AssessmentTemplate, CarePlan, ReviewDecision
from selfhelp.pathway.review import ReviewItem, open_reviews_for
from selfhelp.pathway.services import TEMPLATE_FIELDS, AssessmentText

#: The measures whose latest scores pre-fill "scores at intake".
INTAKE_MEASURES = ("PHQ-9", "GAD-7", "WHO-5")


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


# --- the staff pages ---------------------------------------------------------------------------

def served_resident(actor: User, resident_id: int, today: date) -> tuple[User, str] | None:
    """The resident and the role `actor` serves them in; None for anyone they do not serve."""
    resident = db.get(User, resident_id)
    role = serving_role(actor, resident, today) if resident is not None else None
    return (resident, role) if role is not None else None


def history(resident_id: int) -> dict:
    """Every version of the note and the plan, and every decision, newest first."""
    return {"assessments": assessments(resident_id), "plans": plans(resident_id),
            "decisions": decisions(resident_id)}


def resident_page(actor: User, role: str, resident: User, now: datetime, today: date) -> dict:
    """The resident's care pathway as staff see it: open reviews and the history. Audited."""
    page = {"reviews": open_reviews_for(resident.id, today), **history(resident.id)}
    audit(actor, role, [resident.id], "care_pathway", "view", now)
    return page


def assessment_page(actor: User, role: str, resident: User, now: datetime) -> AssessmentNote | None:
    """The current assessment note, for the page that writes a new version. Audited."""
    audit(actor, role, [resident.id], "assessment", "view", now)
    return current_assessment(resident.id)


def plan_page(actor: User, role: str, resident: User, now: datetime) -> CarePlan | None:
    """The current plan, for the page that writes a new version. Audited."""
    audit(actor, role, [resident.id], "care_plan", "view", now)
    return current_plan(resident.id)


def open_review(resident_id: int, context: str, checkpoint: str, today: date) -> ReviewItem | None:
    """The resident's open review for this checkpoint, if it still needs a decision."""
    return next((r for r in open_reviews_for(resident_id, today)
                 if r.context == context and r.checkpoint == checkpoint), None)


def review_page(actor: User, role: str, resident: User, now: datetime) -> None:
    """The decision page shows the resident's pathway: audited as such."""
    audit(actor, role, [resident.id], "care_pathway", "view", now)
