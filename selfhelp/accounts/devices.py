"""The browsers a person is logged in on: one ``UserSession`` row per login.

The row's random token sits in the signed session cookie (``SESSION_KEY``). The user loader
(``selfhelp/__init__.py``) loads the person and their open row in one query, so a cookie whose
row has ended — logout, idle timeout, "Logg ut overalt", a new password, a second-factor reset,
a closed account — opens nothing, even when it was copied before. ``last_seen_at`` is written at
most once a minute (``LAST_SEEN_EVERY``), never on every request.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from selfhelp.accounts.models import SessionEndReason, User, UserSession
from selfhelp.db import db

#: The key in the signed session cookie holding this browser's session token.
SESSION_KEY = "_sid"
#: How often a session's last_seen_at is written at most.
LAST_SEEN_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"),
             ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_summary(user_agent: str | None) -> str:
    """"Firefox, Windows" from a user-agent string; "" when neither is recognised."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    summary = ", ".join(part for part in (browser, system) if part)
    return re.sub(r"[^\w ,.-]", "", summary)[:80]


def open_session(user: User, user_agent: str | None, now: datetime) -> str:
    """Start a session row for a fresh login; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.add(UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now,
                       last_seen_at=now, device=device_summary(user_agent)))
    db.flush()
    return token


def load(user_id: int, token: str | None) -> tuple[User, UserSession] | None:
    """The person and their open session for this cookie, in one query (the user loader's)."""
    if not token:
        return None
    row = db.execute(select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
                     .where(User.id == user_id, UserSession.token_hash == token_hash(token),
                            UserSession.ended_at.is_(None))).first()
    return (row[0], row[1]) if row else None


def find(token: str | None) -> UserSession | None:
    """The session row a cookie names, open or ended."""
    if not token:
        return None
    return db.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))


def touch(record: UserSession, now: datetime) -> bool:
    """Note that the session is in use, at most once every LAST_SEEN_EVERY. True if written."""
    if now - record.last_seen_at < LAST_SEEN_EVERY:
        return False
    db.execute(update(UserSession).where(UserSession.id == record.id,
                                         UserSession.ended_at.is_(None))
               .values(last_seen_at=now).execution_options(synchronize_session=False))
    set_committed_value(record, "last_seen_at", now)  # known now, without a second UPDATE
    return True


def end(record: UserSession, reason: SessionEndReason, now: datetime) -> None:
    result = db.execute(update(UserSession).where(UserSession.id == record.id,
                                                  UserSession.ended_at.is_(None))
                        .values(ended_at=now, ended_reason=reason.value)
                        .execution_options(synchronize_session=False))
    if result.rowcount:
        set_committed_value(record, "ended_at", now)
        set_committed_value(record, "ended_reason", reason.value)


def end_all(user: User, reason: SessionEndReason, now: datetime,
            keep: UserSession | None = None) -> int:
    """End every open session of the person (but `keep`); returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id,
                                      UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.execute(query.values(ended_at=now, ended_reason=reason.value)
                        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def end_one(user: User, session_id: int, now: datetime) -> bool:
    """End one of the person's own sessions (from the list); False if it is not theirs or ended."""
    result = db.execute(update(UserSession).where(UserSession.id == session_id,
                                                  UserSession.user_id == user.id,
                                                  UserSession.ended_at.is_(None))
                        .values(ended_at=now, ended_reason=SessionEndReason.ELSEWHERE.value)
                        .execution_options(synchronize_session=False))
    return bool(result.rowcount)


def open_sessions(user: User, idle_limit: timedelta, now: datetime) -> list[UserSession]:
    """The person's sessions still in use (open and not idle for longer than the limit)."""
    return list(db.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None),
        UserSession.last_seen_at >= now - idle_limit - LAST_SEEN_EVERY)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))
