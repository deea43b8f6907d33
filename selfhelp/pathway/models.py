"""Assessment notes, plans and review decisions. Every save is a new row (a version); nothing is
edited in place and nothing is deleted, except by the retention purge of a closed account."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime, vocabulary


class Decision(StrEnum):
    """What a review decided. Everything but CONTINUE steps the help up (stepped care)."""

    CONTINUE = "continue"
    ADD_CONTACT = "add_contact"
    CHANGE_PROGRAM = "change_program"
    OFFER_COURSE = "offer_course"
    REFER = "refer"

    @property
    def steps_up(self) -> bool:
        return self is not Decision.CONTINUE


DECISIONS = tuple(d.value for d in Decision)


class AssessmentNote(Base):
    """One version of the assessment note (kartlegging) about a resident."""

    __tablename__ = "assessment_notes"
    __table_args__ = (UniqueConstraint("resident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: 1 for the first note; each save adds the next number.
    version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The scores at intake as the author confirmed them (pre-filled from the latest results).
    intake_scores: Mapped[str] = mapped_column(Text, default="")
    #: Whether and how risk (suicidal thoughts, self-harm) was asked about.
    risk: Mapped[str] = mapped_column(Text, default="")
    chosen_help: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class CarePlan(Base):
    """One version of the resident's plan: what help, how often, when to evaluate."""

    __tablename__ = "care_plans"
    __table_args__ = (UniqueConstraint("resident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    help: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(Text, default="")
    #: Local date on which the plan is to be evaluated.
    evaluate_on: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class ReviewDecision(Base):
    """A stepped-care review: at a checkpoint without reliable improvement (or at a reliable
    deterioration) the guide or course leader decides what happens next, and why."""

    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("resident_id", "context", "checkpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The help reviewed, as measure results name it: "program:depression" or "cohort:12".
    context: Mapped[str] = mapped_column(String(60))
    #: week-3, week-7, deterioration-<result id> or session-<number>.
    checkpoint: Mapped[str] = mapped_column(String(40))
    decision: Mapped[Decision] = mapped_column(vocabulary(Decision, length=20, name="decision"))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class AssessmentTemplate(Base):
    """A municipality's template text that pre-fills a new assessment note, per field."""

    __tablename__ = "assessment_templates"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    #: {field name: text}, for reason, risk, chosen_help and goals.
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
