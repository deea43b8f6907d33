"""A resident's work in a self-help program: enrolment, module progress and worksheet answers."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime, vocabulary


class EnrolmentState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"


ENROLMENT_STATES = tuple(EnrolmentState)


class Enrolment(Base):
    """A resident taking one program. One per resident and program; restarting reuses it."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("resident_id", "program_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    program_slug: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The local (Europe/Oslo) date the program started: weekly modules and check-ins count from it.
    start_date: Mapped[date] = mapped_column(Date)
    #: active, paused or finished.
    state: Mapped[EnrolmentState] = mapped_column(vocabulary(EnrolmentState, length=12, name="state"),
                                                  default=EnrolmentState.ACTIVE)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Modules up to this number are open whatever the schedule (a guide opened one early).
    unlocked_through: Mapped[int] = mapped_column(Integer, default=1)
    #: Weeks a guide added to the planned length.
    extra_weeks: Mapped[int] = mapped_column(Integer, default=0)
    #: The local date the current pause began (null when not paused).
    paused_on: Mapped[date | None] = mapped_column(Date)
    #: Who paused it: a pause set by staff can only be lifted by staff.
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Days of earlier (ended) pauses; later modules open this much later.
    pause_days: Mapped[int] = mapped_column(Integer, default=0)
    #: Module the resident last opened, to resume where they left off.
    current_module: Mapped[str | None] = mapped_column(String(80))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[User] = relationship(foreign_keys=[resident_id])
    progress: Mapped[list[ModuleProgress]] = relationship(
        back_populates="enrolment", lazy="selectin", cascade="all, delete-orphan")


class ModuleProgress(Base):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolment: Mapped[Enrolment] = relationship(back_populates="progress")


class WorksheetAnswer(Base):
    """What the resident wrote in one exercise; the latest text, with earlier versions kept."""

    __tablename__ = "worksheet_answers"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_slug", "exercise_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    exercise_key: Mapped[str] = mapped_column(String(80))
    #: {field_key: value}; rows fields hold a list of {column_key: value}.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    enrolment: Mapped[Enrolment] = relationship()
    versions: Mapped[list[WorksheetVersion]] = relationship(
        back_populates="answer", order_by="WorksheetVersion.saved_at", cascade="all, delete-orphan")


class WorksheetVersion(Base):
    """An earlier state of an answer. Autosaves within a few minutes update the newest version;
    a pause starts a new one, so history is kept without a row per keystroke."""

    __tablename__ = "worksheet_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("worksheet_answers.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[WorksheetAnswer] = relationship(back_populates="versions")


class QuestionnaireRequest(Base):
    """An extra questionnaire a guide asked for, answered like the scheduled ones."""

    __tablename__ = "questionnaire_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    measure_code: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)

