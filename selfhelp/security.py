"""Password hashing, role checks, who may see which resident, and safe redirect targets."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit
from typing import Callable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, request
from flask_login import current_user, login_required

STAFF_ROLES = ("guide", "course_leader", "admin")
ALL_ROLES = ("resident", *STAFF_ROLES)

_default_hasher = PasswordHasher(type=Type.ID)
# Tests hash thousands of passwords; the parameters are the only thing that differs.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


def _hasher() -> PasswordHasher:
    return _fast_hasher if current_app.config.get("PASSWORD_HASH_FAST") else _default_hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend comparable time so timing does not tell whether an account exists.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def roles_required(*roles: str) -> Callable:
    """Allow the view to users holding at least one of `roles` (404-free: 403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def client_address() -> str:
    """The address a request came from, as login throttling and the audit log store it."""
    return (request.remote_addr or "unknown")[:64]
