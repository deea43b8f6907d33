"""The daily digest: what people chose not to get one by one comes in one email a day.

Delivery holds such notifications (state "digest", already visible in the notification centre).
Once a day, when the person's quiet hours end (08:00 by default), one `daily_digest` is added
for everything held, and the held rows count as delivered. The unique occurrence
"digest:<date>" makes a second digest the same day impossible, even with two schedulers.
"""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from selfhelp.clock import local, wall_clock
from selfhelp.db import db
from selfhelp.notifications.models import (
    Channel, Notification, NotificationSettings, NotificationState,
)
from selfhelp.notifications.preferences import defaults, digest_hour


def plan_daily_digests(now: datetime) -> int:
    """Add today's digest for everyone whose digest hour has come and who has held notifications
    from before it; what arrives after the digest hour waits for tomorrow's."""
    N = Notification
    held = db.execute(select(N.recipient_id, func.min(N.due_at))
                      .where(N.state == NotificationState.DIGEST).group_by(N.recipient_id)).all()
    if not held:
        return 0
    recipients = [recipient for recipient, _first in held]
    settings = {s.user_id: s for s in db.scalars(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(recipients)))}
    today = local(now).date()
    occurrence = f"digest:{today.isoformat()}"
    done_today = set(db.scalars(select(N.recipient_id).where(
        N.kind == "daily_digest", N.occurrence == occurrence, N.recipient_id.in_(recipients))))
    made = 0
    for recipient, first_due in held:
        digest_at = wall_clock(today, time(digest_hour(settings.get(recipient) or defaults(recipient))))
        if recipient in done_today or now < digest_at or first_due >= digest_at:
            continue
        try:
            with db.begin_nested():
                digest = N(recipient_id=recipient, kind="daily_digest", occurrence=occurrence,
                           due_at=digest_at, created_at=now, context={}, state=NotificationState.PENDING,
                           channel=Channel.EMAIL, attempts=0)
                db.add(digest)
                db.flush()
                count = db.execute(update(N).where(
                    N.recipient_id == recipient, N.state == NotificationState.DIGEST, N.due_at < digest_at)
                    .values(state=NotificationState.SENT, sent_at=now)).rowcount
                digest.context = {"count": count}
        except IntegrityError:  # another scheduler made it a moment ago
            continue
        made += 1
    return made
