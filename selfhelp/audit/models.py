"""Audit events: every time staff open or change a resident's data. Append-only."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from selfhelp.accounts.models import Role
from selfhelp.db import Base, UTCDateTime, vocabulary


class AuditAction(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_resident_at", "resident_id", "at"),
                      # The admin's search runs newest first over a period.
                      Index("ix_audit_events_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The role the actor used (course_leader, guide, admin).
    role: Mapped[Role] = mapped_column(vocabulary(Role, length=20, name="role"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Page or record type, e.g. "course_application", "cohort_roster".
    what: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[AuditAction] = mapped_column(vocabulary(AuditAction, length=10, name="action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class AuditIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


# Append-only, enforced in the ORM: a changed or deleted AuditEvent in a flush, and UPDATE or
# DELETE statements on audit_events run through a session, are refused before they reach the
# database. (PostgreSQL also refuses them with a trigger; see the migration.)
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state) -> None:
    if (state.is_update or state.is_delete) and any(
            m.class_ is AuditEvent for m in state.all_mappers):
        raise AuditIsAppendOnly("audit events cannot be changed or deleted")
