"""The notification outbox: every message to send is a row, unique per recipient, kind and
occurrence, so the same notice can never be created twice. Delivery (notifications/delivery.py)
claims one row at a time with a conditional UPDATE, so it is never sent by two workers at once."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from selfhelp.db import Base, UTCDateTime, vocabulary


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    #: Only the notification centre: nothing leaves the platform.
    IN_APP = "in_app"


class NotificationState(StrEnum):
    PENDING = "pending"
    #: Claimed by a worker.
    SENDING = "sending"
    SENT = "sent"
    #: Held for the recipient's daily digest.
    DIGEST = "digest"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "occurrence"),
        # Finding the next due row stays an index range scan however many sent rows pile up.
        Index("ix_notifications_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: What it is about, e.g. "course_admitted", "session_moved" (one email template per kind).
    kind: Mapped[str] = mapped_column(String(40))
    #: Which event, e.g. "session:12:v2"; with recipient and kind it makes the message unique.
    occurrence: Mapped[str] = mapped_column(String(80))
    #: email, sms or in_app.
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, length=10, name="channel"),
                                             default=Channel.EMAIL)
    #: Values the template needs (dates, links) — never health details.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: pending, sending, sent, digest (held for the recipient's daily digest), failed or cancelled.
    state: Mapped[NotificationState] = mapped_column(
        vocabulary(NotificationState, length=10, name="state"), default=NotificationState.PENDING)
    #: Delivery tries that did not succeed (failures, and claims lost to a crashed worker).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After a failure: not before this instant (backoff). Null = as soon as due_at is reached.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a worker took the row (state "sending"); a claim older than 10 minutes is a crashed
    #: worker's and may be taken again.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Which worker (host:pid) holds or last held the claim, for the admin and the logs.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    #: Why the last try failed (exception text; never message content).
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When it appeared in the recipient's notification centre (at delivery, or when an email
    #: was deferred to the morning or held for the digest: the centre shows it at once).
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the recipient saw it in the notification centre.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationSettings(Base):
    """How one person wants to be notified. No row = the defaults below."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: email, sms or in_app (only the notification centre; safety and session changes still mail).
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, length=10, name="channel"),
                                             default=Channel.EMAIL)
    #: Topic names (notifications/catalogue.py) not wanted by email/SMS.
    muted: Mapped[list] = mapped_column(JSON, default=list)
    #: Collect what can wait into one email a day, sent when quiet hours end.
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Quiet hours in Europe/Oslo wall-clock hours; equal values = no quiet hours.
    quiet_start_hour: Mapped[int] = mapped_column(Integer, default=21)
    quiet_end_hour: Mapped[int] = mapped_column(Integer, default=8)
