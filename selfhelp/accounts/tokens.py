"""One-time tokens for links sent by email: stored hashed, expire, usable once."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from selfhelp.accounts.models import AccountToken, TokenPurpose, User
from selfhelp.db import db


class TokenError(Exception):
    """The link is unknown, expired or already used; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def digest(raw: str) -> str:
    """What is stored of a token (and names it in the outbox): its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta, now: datetime) -> str:
    """Create a token and return the secret to put in the link."""
    raw = secrets.token_urlsafe(32)
    db.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=digest(raw),
                        created_at=now, expires_at=now + lifetime))
    db.flush()
    return raw


def peek_token(raw: str, purpose: TokenPurpose, now: datetime) -> AccountToken:
    """Return the valid token without using it (to show a form), or raise TokenError."""
    token = db.scalar(select(AccountToken).where(AccountToken.token_hash == digest(raw or ""),
                                                 AccountToken.purpose == purpose))
    if token is None:
        raise TokenError("unknown")
    if token.used_at is not None:
        raise TokenError("used")
    if token.expires_at <= now:
        raise TokenError("expired")
    return token


def is_usable(session: Session, raw: str, purpose: TokenPurpose, now: datetime) -> bool:
    """Whether the link still works (not used, replaced or expired), read through `session`
    (delivery's own): a mail whose link died while it waited is not sent."""
    token = session.scalar(select(AccountToken).where(AccountToken.token_hash == digest(raw),
                                                      AccountToken.purpose == purpose))
    return token is not None and token.used_at is None and token.expires_at > now


def use_token(raw: str, purpose: TokenPurpose, now: datetime) -> User:
    """Use the token once: a conditional UPDATE so two clicks at once cannot both succeed."""
    token = peek_token(raw, purpose, now)
    claimed = db.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise TokenError("used")
    return db.get(User, token.user_id)


def retire_tokens(user: User, purpose: TokenPurpose, now: datetime) -> None:
    """Make earlier unused tokens of this kind useless (a new link replaces old ones)."""
    db.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
