"""Drafts of course applications: one thing per page, kept on the server as the resident goes.

Each step (motivation, screening questionnaire, guardian) saves what was typed into one row per
resident and cohort, so the answers survive going back and forth, a closed browser and a login
that expires. Only the resident reads their draft (every function takes the actor and looks up
the actor's row only); no staff member sees it. Sending hands the draft to the admission rules
(`admission.apply_with_screening`, the same rules, triage and audit as before) and deletes it in
the same savepoint, so a refusal keeps the draft and a sent application leaves none behind.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, or_, select

from selfhelp.accounts.models import User
from selfhelp.content.model import Course
from selfhelp.courses.models import Application, ApplicationDraft, Cohort, CohortState
from selfhelp.courses.services import admission
from selfhelp.db import db, redo_on_conflict
from selfhelp.measures.definitions import Measure
from selfhelp.measures.services import Answered

#: What a draft may hold, by step.
FIELDS = ("motivation", "screening", "guardian_name", "guardian_contact")


def draft_of(actor: User, cohort: Cohort) -> ApplicationDraft | None:
    return db.scalar(select(ApplicationDraft).where(ApplicationDraft.resident_id == actor.id,
                                                    ApplicationDraft.cohort_id == cohort.id))


def answers_of(actor: User, cohort: Cohort) -> dict:
    """What the actor has typed so far for this cohort (empty without a draft)."""
    draft = draft_of(actor, cohort)
    return dict(draft.answers or {}) if draft is not None else {}


def save(actor: User, cohort: Cohort, changes: dict, now: datetime) -> ApplicationDraft:
    """Merge one step's answers into the actor's draft (made on the first step)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"a draft holds no {', '.join(sorted(unknown))}")

    def work() -> ApplicationDraft:
        draft = draft_of(actor, cohort)
        if draft is None:
            draft = ApplicationDraft(resident_id=actor.id, cohort_id=cohort.id, answers={}, updated_at=now)
            db.add(draft)
        draft.answers = {**(draft.answers or {}), **changes}  # a new dict: JSON changes are seen
        draft.updated_at = now
        db.flush()
        return draft

    return redo_on_conflict(work)  # two tabs making the first row at once


def missing_steps(answers: dict, measure: Measure | None, guardian: bool) -> list[str]:
    """The steps of the application not yet answered completely, in order."""
    missing = []
    if not (answers.get("motivation") or "").strip():
        missing.append("motivation")
    chosen = answers.get("screening") or {}
    if measure is not None and any(not chosen.get(item.key) for item in measure.items):
        missing.append("screening")
    if guardian and not ((answers.get("guardian_name") or "").strip()
                         and (answers.get("guardian_contact") or "").strip()):
        missing.append("guardian")
    return missing


def send(actor: User, cohort: Cohort, course: Course, measure: Measure | None,
         now: datetime) -> tuple[Application, Answered | None]:
    """Send the actor's draft as their application (all or nothing, the admission rules
    unchanged). Raises admission.AdmissionError("draft_missing") without a draft, ("incomplete")
    while a step is unanswered, and whatever
    `apply_with_screening` raises (AdmissionError, IncompleteAnswers, AlreadyAnswered); the
    draft is then kept. Returns (application, answered) as `apply_with_screening` does."""
    draft = draft_of(actor, cohort)
    if draft is None:
        raise admission.AdmissionError("draft_missing")
    answers = draft.answers or {}
    guardian = admission.needs_guardian(actor, cohort, course)
    if missing_steps(answers, measure, guardian):
        raise admission.AdmissionError("incomplete")
    form = admission.ApplicationForm(
        (answers.get("motivation") or "").strip(),
        ((answers.get("guardian_name") or "").strip() or None) if guardian else None,
        ((answers.get("guardian_contact") or "").strip() or None) if guardian else None)
    with db.begin_nested():
        application, answered = admission.apply_with_screening(
            actor, cohort, course, form, measure, dict(answers.get("screening") or {}), now)
        db.delete(draft)
        db.flush()
    return application, answered


def delete_stale(today: date) -> int:
    """Drafts that can no longer be sent go: the cohort's deadline has passed, or it is no longer
    open (cancelled, finished). Unsent health answers are not kept for nothing. How many."""
    closed = select(Cohort.id).where(or_(Cohort.application_deadline < today,
                                         Cohort.state != CohortState.PUBLISHED))
    return db.execute(delete(ApplicationDraft).where(ApplicationDraft.cohort_id.in_(closed))
                      .execution_options(synchronize_session=False)).rowcount


def delete_all_of(user_id: int) -> None:
    """Closing or purging an account: its drafts go (they were never sent to anyone)."""
    db.execute(delete(ApplicationDraft).where(ApplicationDraft.resident_id == user_id)
               .execution_options(synchronize_session=False))

