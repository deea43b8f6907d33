"""Guides and their residents: assignments, absences, weekly check-ins, the message thread."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime, vocabulary


class CheckinState(StrEnum):
    #: Waiting for the resident.
    OPEN = "open"
    #: Waiting for the guide's feedback.
    SUBMITTED = "submitted"
    CLOSED = "closed"


class MessageKind(StrEnum):
    MESSAGE = "message"
    #: The guide's feedback on a check-in.
    FEEDBACK = "feedback"


class GuideAssignment(Base):
    """Who guides a resident in a program. A reassignment ends this row and starts a new one,
    so the history stays."""

    __tablename__ = "guide_assignments"
    __table_args__ = (Index("ix_guide_assignments_guide_current", "guide_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Null while current.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guide: Mapped[User] = relationship(foreign_keys=[guide_id], lazy="joined")


class GuideAbsence(Base):
    """A guide away for a period; the cover sees the guide's residents in their queue meanwhile."""

    __tablename__ = "guide_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cover_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Local dates, both inclusive.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    cover: Mapped[User] = relationship(foreign_keys=[cover_id], lazy="joined")


class Checkin(Base):
    """One week's check-in: the resident says how the week went; the guide answers with feedback."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("enrolment_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Weeks since the program started (1 = the first check-in).
    week: Mapped[int] = mapped_column(Integer)
    #: The local date the check-in opens (the program's start weekday).
    opens_on: Mapped[date] = mapped_column(Date)
    #: open (waiting for the resident), submitted (waiting for feedback) or closed.
    state: Mapped[CheckinState] = mapped_column(vocabulary(CheckinState, length=10, name="state"),
                                                default=CheckinState.OPEN)
    how_it_went: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When feedback is due: a number of working days after submission (admin setting).
    feedback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Minutes the guide spent (prefilled from time on the page, editable), for capacity reports.
    minutes_spent: Mapped[int | None] = mapped_column(Integer)


class Message(Base):
    """One message in the resident's thread (one thread per resident). Guide feedback is a message
    linked to the check-in it answers. Bodies are stored cleaned by selfhelp.sanitize."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_resident_created", "resident_id", "created_at"),
                      UniqueConstraint("author_id", "form_nonce"))

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: message or feedback
    kind: Mapped[MessageKind] = mapped_column(vocabulary(MessageKind, length=10, name="kind"),
                                              default=MessageKind.MESSAGE)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the other side (resident for staff messages, staff for the resident's) first read it.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The nonce of the form it was sent from, so a double click sends it once.
    form_nonce: Mapped[str | None] = mapped_column(String(32))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class FeedbackDraft(Base):
    """Feedback being written; autosaved, so nothing a guide writes is lost."""

    __tablename__ = "feedback_drafts"
    __table_args__ = (UniqueConstraint("checkin_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"))
    guide_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: What the guide typed (the editor's text with light formatting), cleaned when published.
    body: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Snippet(Base):
    """A reusable feedback text with placeholders {fornavn} and {modul}; a shared one serves the
    guides of one municipality (municipalities are separate data controllers)."""

    __tablename__ = "snippets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Null for a snippet shared by the guides of `municipality_code`.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: For a shared snippet: the municipality whose guides may use it. Shared snippets made before
    #: this column have none and are shown to nobody (their municipality is not known).
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GuideSettings(Base):
    """Per-municipality rules for guides, set by the admin."""

    __tablename__ = "guide_settings"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    #: Working days (weekends and public holidays excluded) a guide has to answer a check-in.
    feedback_due_days: Mapped[int] = mapped_column(Integer, default=2)
