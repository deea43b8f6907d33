"""Password hashing, role checks and who may see which resident."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Callable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, request
from flask_login import current_user, login_required

if TYPE_CHECKING:
    pass

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



def password_confirmation_required(view: Callable) -> Callable:
    """Ask for the password again before a sensitive action (changing email, export, closing the
    account) unless it was entered in this session within REAUTH_MINUTES (``accounts.session``).

    Put it on the view that shows the form (GET) as well as on the one that acts (POST): a GET
    goes to the confirmation page and comes back; a POST that arrives too late is sent back to
    the page it came from, via the confirmation page, so nothing happens without the password.
    """

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        from flask import redirect, request, url_for

        from selfhelp.accounts.session import password_recently_confirmed
        from selfhelp.urls import safe_next

        if password_recently_confirmed():
            return view(*args, **kwargs)
        if request.method == "GET":
            back = request.full_path.rstrip("?")
        else:
            referrer = request.referrer or ""
            host = request.host_url.rstrip("/")
            back = safe_next(referrer[len(host):] if referrer.startswith(host) else None)
        return redirect(url_for("account.confirm_password", next=back or None))

    return wrapped


def client_address() -> str:
    """The address a request came from, as login throttling and the audit log store it."""
    return (request.remote_addr or "unknown")[:64]
