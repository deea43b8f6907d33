"""Staff's second factor: TOTP from an authenticator app, and one-time recovery codes.

The QR code is drawn here (segno) and sent inline as an image; no third-party service sees the
secret. Codes are checked against the time passed in, and each time step can be used only once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from selfhelp.accounts import devices
from selfhelp.accounts.models import RecoveryCode, SessionEndReason, User, new_security_stamp
from selfhelp.accounts.throttle import clear_failures, is_throttled, record_failure
from selfhelp.audit.services import record
from selfhelp.db import db

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def needs_second_factor(user: User) -> bool:
    """Every staff role logs in with a second factor; residents (for now) with the password."""
    return user.is_staff


def start_enrolment(user: User) -> str:
    """Give the user a new secret to scan (kept until confirmed; a confirmed one is kept)."""
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_data_uri(user: User) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI (drawn here, never fetched)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(
        scale=5, dark="#000", light="#fff", border=4, title=None)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())[:64]


def _matching_counter(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side for clock drift) whose code is `code`."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for counter in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def check_totp(user: User, code: str, now: datetime) -> bool:
    """True for a right code not used before; the time step is claimed so it cannot be replayed."""
    code = _normalise(code)
    if user.totp_secret is None or len(code) != 6 or not code.isdigit():
        return False
    counter = _matching_counter(user.totp_secret, code, now)
    if counter is None:
        return False
    claimed = db.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter))
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        user.totp_last_counter = counter
    return claimed == 1


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Use one recovery code (a conditional UPDATE: two requests cannot both use it)."""
    if len(_normalise(code)) < 8:
        return False
    claimed = db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def check_second_factor(user: User, code: str, now: datetime) -> bool:
    """A code from the app, or one of the recovery codes."""
    if not user.has_second_factor:
        return False
    return check_totp(user, code, now) or use_recovery_code(user, code, now)


def new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Replace the user's recovery codes; returns the codes to show once (XXXXX-XXXXX)."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw), created_at=now))
    db.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def confirm_enrolment(user: User, code: str, now: datetime) -> list[str] | None:
    """Turn the second factor on once the app shows the right code; returns the recovery codes."""
    if user.totp_secret is None or user.has_second_factor:
        return None
    if not check_totp(user, code, now):
        return None
    user.totp_enabled_at = now
    return new_recovery_codes(user, now)


def reset_second_factor(actor: User, user: User, now: datetime) -> None:
    """An admin clears a staff member's second factor (lost phone); they enrol again at next
    login. Their sessions end, and the reset is written to the audit log."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    user.security_stamp = new_security_stamp()
    devices.end_all(user, SessionEndReason.SECOND_FACTOR, now)
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(actor, "admin", [None], "staff_second_factor", "change", now, record_id=user.id)
    db.flush()


# --- the login's second step (the view then calls session.complete_login) -----------------------

class SecondFactorRefused(Exception):
    """`code` is "throttled" (too many wrong codes) or "wrong" (counted towards the limit)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _refuse_if_throttled(user: User, address: str, now: datetime) -> None:
    if is_throttled(user.email, address, now):
        raise SecondFactorRefused("throttled")


def _count_wrong_code(user: User, address: str, now: datetime) -> SecondFactorRefused:
    record_failure(user.email, address, now)
    return SecondFactorRefused("wrong")


def pass_second_factor(user: User, code: str, address: str, now: datetime) -> None:
    """A code from the app (or a recovery code) at login. A wrong one counts towards the login
    limit; a right one clears the person's failures. Raises SecondFactorRefused."""
    _refuse_if_throttled(user, address, now)
    if not check_second_factor(user, code, now):
        raise _count_wrong_code(user, address, now)
    clear_failures(user.email)


def finish_enrolment(user: User, code: str, address: str, now: datetime) -> list[str]:
    """The first code from a newly set-up app turns the second factor on; returns the recovery
    codes to show once. Wrong codes count as in pass_second_factor. Raises SecondFactorRefused."""
    _refuse_if_throttled(user, address, now)
    codes = confirm_enrolment(user, code, now)
    if codes is None:
        raise _count_wrong_code(user, address, now)
    clear_failures(user.email)
    return codes
