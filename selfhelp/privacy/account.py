"""What the Konto page shows: the account's details and a one-line summary of each setting, so
the resident sees what is set before choosing what to change."""
from __future__ import annotations

from datetime import datetime

from selfhelp.accounts import devices
from selfhelp.accounts import session as login_session
from selfhelp.accounts.models import User
from selfhelp.db import db
from selfhelp.notifications.preferences import settings_for


def summary(resident: User, now: datetime) -> dict:
    settings = settings_for(db, resident.id)
    return {
        "open_sessions": len(devices.open_sessions(resident, login_session.idle_limit(resident), now)),
        "channel": str(settings.channel),
        "daily_digest": settings.daily_digest,
        "muted_count": len(settings.muted or []),
        "quiet_hours": (settings.quiet_start_hour, settings.quiet_end_hour),
    }
