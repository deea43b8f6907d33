"""Audit events: every time staff open or change a resident's data. Append-only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from selfhelp.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_resident_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The role the actor used (course_leader, guide, admin).
    role: Mapped[str] = mapped_column(String(20))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Page or record type, e.g. "course_application", "cohort_roster".
    what: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int | None] = mapped_column(Integer)
    #: view, create, change or export.
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))
