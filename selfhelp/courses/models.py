"""Group courses: cohorts, their sessions, applications, attendance and leaders' notes."""
from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, text, true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.accounts.models import User
from selfhelp.db import Base, UTCDateTime, vocabulary


class CohortState(StrEnum):
    #: Being planned; not shown to residents.
    DRAFT = "draft"
    #: Open for applications.
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class SessionKind(StrEnum):
    WEEKLY = "weekly"
    FOLLOWUP = "followup"


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ApplicationState(StrEnum):
    RECEIVED = "received"
    #: Invited to a pre-talk with a leader.
    PRETALK = "pretalk"
    WAITLISTED = "waitlisted"
    ADMITTED = "admitted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    #: Absence notified in advance.
    NOTIFIED = "notified"


APPLICATION_STATES = tuple(ApplicationState)
#: An application in one of these states is still open; a person has at most one per cohort.
ACTIVE_APPLICATION_STATES = (ApplicationState.RECEIVED, ApplicationState.PRETALK,
                             ApplicationState.WAITLISTED, ApplicationState.ADMITTED)
_ACTIVE_SQL = "state IN (" + ", ".join(f"'{s.value}'" for s in ACTIVE_APPLICATION_STATES) + ")"


class Cohort(Base):
    """One run of a course (KiD, KiB or DU) with its leaders, place, dates and seats."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_code: Mapped[str] = mapped_column(String(10))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    #: draft (being planned), published (open for applications), cancelled or finished.
    state: Mapped[CohortState] = mapped_column(vocabulary(CohortState, length=12, name="state"),
                                               default=CohortState.DRAFT)
    place: Mapped[str | None] = mapped_column(String(200))
    room: Mapped[str | None] = mapped_column(String(120))
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Shown only to admitted participants.
    video_link: Mapped[str | None] = mapped_column(String(500))
    #: The first session as planned, in Europe/Oslo wall-clock time.
    first_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    #: Dates whose whole week the leader removed (e.g. the autumn holiday), ISO strings.
    skip_dates: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer)
    application_deadline: Mapped[date] = mapped_column(Date)
    open_to_other_municipalities: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Admit applicants automatically in the order they apply, instead of after the leader's
    #: assessment (pre-talk). Either way a full cohort puts applicants on the waiting list.
    auto_admit: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Also remind participants two hours before each session (24 h is always on).
    remind_two_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Admitted participants holding a seat; only changed by conditional UPDATEs (no overbooking).
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    #: Last waiting-list ticket handed out; tickets order the list and are never reused.
    waitlist_counter: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    leaders: Mapped[list[CohortLeader]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    sessions: Mapped[list[CourseSession]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CourseSession.number")

    @property
    def leader_ids(self) -> set[int]:
        return {leader.leader_id for leader in self.leaders}


class CohortLeader(Base):
    __tablename__ = "cohort_leaders"
    __table_args__ = (UniqueConstraint("cohort_id", "leader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    leader: Mapped[User] = relationship(lazy="joined")


class CourseSession(Base):
    """One meeting. Kept as local date and wall-clock time (Europe/Oslo); the UTC instants are
    derived from them whenever the session is planned or moved."""

    __tablename__ = "course_sessions"
    __table_args__ = (UniqueConstraint("cohort_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: weekly or followup
    kind: Mapped[SessionKind] = mapped_column(vocabulary(SessionKind, length=10, name="kind"))
    local_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: scheduled or cancelled
    state: Mapped[SessionState] = mapped_column(vocabulary(SessionState, length=12, name="state"),
                                                default=SessionState.SCHEDULED)
    #: Bumped on every change, so calendars and notices know it is a new version.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The date before the leader moved it, shown to participants.
    moved_from: Mapped[date | None] = mapped_column(Date)
    #: Why the leader cancelled it: shown to participants behind the login, never in an email.
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Application(Base):
    """A resident's application to a cohort, from received to admitted (or not).

    A person who withdrew (or was declined) may apply again: that is a new row with a new
    waiting-list ticket, and the earlier application stays as it was (the record keeps it). At
    most one application per person and cohort is open at a time (a partial unique index)."""

    __tablename__ = "course_applications"
    __table_args__ = (UniqueConstraint("cohort_id", "waitlist_ticket"),
                      Index("uq_course_applications_one_open", "cohort_id", "resident_id",
                            unique=True, sqlite_where=text(_ACTIVE_SQL),
                            postgresql_where=text(_ACTIVE_SQL)))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: received, pretalk (invited to a pre-talk), waitlisted, admitted, declined or withdrawn.
    state: Mapped[ApplicationState] = mapped_column(vocabulary(ApplicationState, length=12, name="state"),
                                                    default=ApplicationState.RECEIVED)
    #: What the applicant wants from the course, in their own words.
    motivation: Mapped[str] = mapped_column(Text, default="")
    screening_result_id: Mapped[int | None] = mapped_column(ForeignKey("measure_results.id"))
    #: Place in the queue while waitlisted (position = how many waitlisted tickets are lower + 1).
    waitlist_ticket: Mapped[int | None] = mapped_column(Integer)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: Whether the applicant may read the reason on their course page (the leader says so only when
    #: it holds no health details); the reason is never in an email. Earlier reasons were shown.
    decline_reason_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=true())
    pretalk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pretalk_note: Mapped[str | None] = mapped_column(Text)
    #: Set when a seat was given automatically from the waiting list.
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_contact: Mapped[str | None] = mapped_column(String(200))
    #: A leader confirmed that the guardian consents (required under 16 for DU).
    guardian_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guardian_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Secret in the calendar-subscription link (calendar apps cannot log in).
    calendar_token: Mapped[str] = mapped_column(String(48), unique=True)

    resident: Mapped[User] = relationship(foreign_keys=[resident_id], lazy="joined")
    cohort: Mapped[Cohort] = relationship()


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("course_applications.id", ondelete="CASCADE"))
    #: present, absent or notified (absence notified in advance)
    status: Mapped[AttendanceStatus] = mapped_column(vocabulary(AttendanceStatus, length=10, name="status"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CohortNote(Base):
    """A leader's note about the cohort, visible to its co-leaders only."""

    __tablename__ = "cohort_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[User] = relationship(lazy="joined")


class ApplicationDraft(Base):
    """What a resident has typed so far in an application, kept on the server step by step so it
    survives going back and forth and a login that expires. Nobody but the resident sees it; it
    is deleted when the application is sent and when the account is closed."""

    __tablename__ = "course_application_drafts"
    __table_args__ = (UniqueConstraint("resident_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: {"motivation": str, "screening": {item key: value as typed}, "guardian_name": str,
    #: "guardian_contact": str}; a step not yet answered is absent.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
