"""The notification outbox: every message to send is a row, unique per recipient, kind and
occurrence, so the same notice can never be created twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from selfhelp.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("recipient_id", "kind", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: What it is about, e.g. "course_admitted", "session_moved" (one email template per kind).
    kind: Mapped[str] = mapped_column(String(40))
    #: Which event, e.g. "session:12:v2"; with recipient and kind it makes the message unique.
    occurrence: Mapped[str] = mapped_column(String(80))
    #: email, sms or in_app.
    channel: Mapped[str] = mapped_column(String(10), default="email")
    #: Values the template needs (dates, links) — never health details.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: pending, sending, sent, failed or cancelled.
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
