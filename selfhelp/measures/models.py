"""Questionnaire answers with their scores, and risk flags raised by them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime


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


class RiskFlag(Base):
    """A signal that a person must follow up. Never deleted; the history stays on the record."""

    __tablename__ = "risk_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("measure_results.id"))
    #: "self_harm_item" (PHQ-9 item 9 above 0) or "reliable_deterioration".
    reason: Mapped[str] = mapped_column(String(30))
    #: The questionnaire score and the answer to the risk item, as they were.
    score: Mapped[int] = mapped_column(Integer)
    item_value: Mapped[int | None] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: open or acknowledged.
    state: Mapped[str] = mapped_column(String(15), default="open")
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the staff member did (called the person, referred to legevakt ...).
    action_note: Mapped[str | None] = mapped_column(Text)
    #: When an unacknowledged flag goes to the municipality's admins.
    escalation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[User] = relationship(foreign_keys=[resident_id])
