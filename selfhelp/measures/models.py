"""Questionnaire answers with their scores, and risk flags raised by them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime, vocabulary


class MeasureResult(Base):
    """One completed questionnaire. Scores are computed by the platform and stored with the answers."""

    __tablename__ = "measure_results"
    __table_args__ = (UniqueConstraint("resident_id", "measure_code", "context", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    measure_code: Mapped[str] = mapped_column(String(20))
    #: What it belongs to, e.g. "program:depression" or "cohort:12".
    context: Mapped[str] = mapped_column(String(60))
    #: When in that context: "start", "week-3", "end", "followup-3", "extra-<n>" ...
    occasion: Mapped[str] = mapped_column(String(30))
    answers: Mapped[dict] = mapped_column(JSON)
    raw_score: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    severity: Mapped[int] = mapped_column(Integer)
    is_case: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class FlagKind(StrEnum):
    #: PHQ-9 item 9 above 0, or reliable deterioration: follow up at once.
    RISK = "risk"
    #: Severe scores or a risk answer at intake: someone must assess whether self-help is enough.
    ASSESSMENT = "assessment"


class FlagReason(StrEnum):
    #: PHQ-9 item 9 (thoughts of self-harm) above 0.
    SELF_HARM_ITEM = "self_harm_item"
    RELIABLE_DETERIORATION = "reliable_deterioration"
    #: Assessment tasks: severe scores, or a risk answer, at intake.
    INTAKE_SEVERE = "intake_severe"
    INTAKE_RISK = "intake_risk"


class FlagState(StrEnum):
    OPEN = "open"
    #: Followed up (any outcome but no_contact).
    ACKNOWLEDGED = "acknowledged"


class OwnerLevel(StrEnum):
    """The steps of the owner chain, lowest first (see selfhelp/care/chain.py)."""

    GUIDE = "guide"
    COURSE_LEADER = "course_leader"
    TEAM = "team"


class Outcome(StrEnum):
    """What the staff member did when they followed a flag up."""

    CALLED = "called"
    MET = "met"
    REFERRED = "referred"
    #: Tried and did not reach the person: recorded, but the flag stays open.
    NO_CONTACT = "no_contact"


class RiskFlag(Base):
    """A signal that a person must follow up, or (kind "assessment") a task to assess someone at
    intake. Never deleted; the history stays on the record. Exactly one owner at any time."""

    __tablename__ = "risk_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("measure_results.id"))
    #: risk (a risk flag) or assessment (an "assessment needed" task from intake triage).
    kind: Mapped[FlagKind] = mapped_column(vocabulary(FlagKind, length=12, name="kind"),
                                           default=FlagKind.RISK, server_default=FlagKind.RISK.value)
    #: "self_harm_item" (PHQ-9 item 9 above 0), "reliable_deterioration" or, for assessment
    #: tasks, "intake_severe" / "intake_risk".
    reason: Mapped[FlagReason] = mapped_column(vocabulary(FlagReason, length=30, name="reason"))
    #: The questionnaire score and the answer to the risk item, as they were.
    score: Mapped[int] = mapped_column(Integer)
    item_value: Mapped[int | None] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: open or acknowledged.
    state: Mapped[FlagState] = mapped_column(vocabulary(FlagState, length=15, name="state"),
                                             default=FlagState.OPEN)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the staff member did (called the person, referred to legevakt ...).
    action_note: Mapped[str | None] = mapped_column(Text)
    #: When an unacknowledged flag moves one step up the owner chain (at team level: when the
    #: admins are reminded again).
    escalation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who owns it now: guide, course_leader or team (null only for rows made before the owner
    #: chain; selfhelp.care.chain.ensure_owner fills it in).
    owner_level: Mapped[OwnerLevel | None] = mapped_column(
        vocabulary(OwnerLevel, length=15, name="owner_level"), index=True)
    #: The guide who owns it (guide level; their cover acts for them during an absence).
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The cohort whose leaders own it (course_leader level).
    owner_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    #: The municipality whose admins own it at team level (the resident's, else the cohort's).
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    owner_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How many times it moved up the chain because nobody acknowledged it in time.
    escalations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Owner level when it was raised (reports count per first owner type).
    first_owner_level: Mapped[OwnerLevel | None] = mapped_column(
        vocabulary(OwnerLevel, length=15, name="first_owner_level"))
    #: called, met, referred (closes it) — no_contact is only ever in RiskFlagAction.
    outcome: Mapped[Outcome | None] = mapped_column(vocabulary(Outcome, length=15, name="outcome"))

    resident: Mapped[User] = relationship(foreign_keys=[resident_id])


class RiskFlagAction(Base):
    """One follow-up on a flag: who did what, when, with their note. "No contact reached" is kept
    here and the flag stays open; any other outcome closes the flag."""

    __tablename__ = "risk_flag_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("risk_flags.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The actor's step in the chain when they acted (guide, course_leader or team).
    actor_level: Mapped[OwnerLevel] = mapped_column(vocabulary(OwnerLevel, length=15, name="actor_level"))
    outcome: Mapped[Outcome] = mapped_column(vocabulary(Outcome, length=15, name="outcome"))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor: Mapped[User] = relationship(lazy="joined")
