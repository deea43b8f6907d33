"""What a notification says: the helpers every notice builder uses, and the lookup of a kind's
builder in the registry (selfhelp/notifications/registry.py).

A builder turns the ids stored on the outbox row into what templates/emails/<kind>.* shows: a
date and a time in Europe/Oslo wall-clock time and a link to the page in selfhelp. Never a course
name (KiD/KiB/DU name a diagnosis), a place, a reason, a score or message text: a mail or text
message may be read by others, so it only says that something is waiting behind the login.
Each domain keeps the builders of its kinds in `<domain>/notices.py`.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy.orm import Session

from selfhelp import crypto, dates
from selfhelp.clock import local
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Registry, registry

#: The context key of a sealed secret (the token of an account link): encrypted while it waits
#: in the outbox, removed once the mail is sent.
SECRET = "secret"


class Gone(Exception):
    """What the notification is about no longer exists or was superseded: nothing to send."""


class UnknownKind(Exception):
    """No builder and templates for this kind: a programming error, retrying will not help."""


def link(endpoint: str, **values: Any) -> str:
    """An absolute link from BASE_URL; works in the scheduler, where there is no request."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def when(instant: datetime) -> dict[str, str]:
    """Date and time as shown in Norway, whatever the season (the instant is stored in UTC)."""
    wall = local(instant)
    return {"date": dates.day(wall), "time": dates.clock(wall)}


def day_word(instant: datetime, now: datetime) -> str:
    """ "i dag", "i morgen" or the date: reminders read naturally."""
    day, today = local(instant).date(), local(now).date()
    if day == today:
        return gettext("i dag")
    if day == today + timedelta(days=1):
        return gettext("i morgen")
    return dates.day(day)


def sealed(secret: str) -> dict[str, str]:
    """Context that carries a secret (SELFHELP_DATA_KEY's Fernet): the outbox never holds it
    readable, and delivery drops it after sending."""
    return {SECRET: crypto.encrypt(current_app.extensions["cipher"], secret)}


def unseal(n: Notification) -> str:
    token = (n.context or {}).get(SECRET)
    if not token:
        raise Gone("the secret was removed")
    return crypto.decrypt(current_app.extensions["cipher"], token)


def without_secret(context: dict) -> dict:
    return {k: v for k, v in context.items() if k != SECRET}


def build_context(session: Session, n: Notification, first_name: str,
                  now: datetime) -> dict[str, Any]:
    """The template context for one notification (call inside force_locale for the dates)."""
    builder = registry().builders.get(n.kind)
    if builder is None:
        raise UnknownKind(n.kind)
    return {"name": first_name, **builder(session, n, now)}


def _daily_digest(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    return {"link": link("notifications.centre_page"), "count": n.context.get("count", 0)}


def register(notices: Registry) -> None:
    """The notification system's own kind: the daily digest."""
    notices.add_builders({"daily_digest": _daily_digest})
