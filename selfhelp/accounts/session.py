"""The login session: the boundary every way of logging in goes through, and its rules.

How logging in is put together (and where another login method plugs in):

1. A *first factor* identifies the person. Today that is the password form in
   ``accounts/views.py`` (``login``), which calls ``services.authenticate``. An ID-porten /
   OpenID Connect provider would be a new blueprint (e.g. ``selfhelp/accounts/oidc.py``) whose
   callback view validates the ID token, finds or creates the ``User`` (by the national identity
   number claim, stored in a new column) and then calls :func:`begin_login` — nothing else.
2. :func:`begin_login` decides what is still missing. Staff need the second factor (TOTP,
   ``accounts/twofactor.py``; an OIDC login at a high enough assurance level could skip it by
   calling :func:`complete_login` with ``second_factor=True``); everyone else is logged in at once.
   Until the second step is done the person is only *half* logged in: the session holds
   ``PENDING_KEY``, Flask-Login does not know them.
3. :func:`complete_login` is the one place that calls ``login_user``.

Every login has a server-side session row (``accounts/devices.py``) whose token is in the signed
cookie; the user loader only accepts a cookie whose row is still open, so logging out, a new
password, a second-factor reset, closing the account, "Logg ut overalt" and the idle timeout end
the session for every copy of the cookie. Text posted after a login expired is kept for its
author only (``accounts/kept.py``).

On every request :func:`enforce_session_rules` ends idle sessions (staff after
``STAFF_IDLE_MINUTES``, residents after ``RESIDENT_IDLE_DAYS``), logs out a staff session that
never passed the second factor, and sends residents to accept new terms when ``TERMS_VERSION``
changes. :func:`password_recently_confirmed` / :func:`password_confirmation_required` ask for
the password again before sensitive actions.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from selfhelp import clock
from selfhelp.accounts import devices, kept, twofactor
from selfhelp.accounts.models import SessionEndReason, User
from selfhelp.db import db, keep_writes
from selfhelp.security import safe_next

#: Half-logged-in state: {"uid": user.get_id(), "at": ISO time, "next": path}.
PENDING_KEY = "_pending_login"
#: Set to user.get_id() once the second factor was given in this session.
SECOND_FACTOR_KEY = "_2fa"
#: ISO time of the last request (for the idle timeout).
LAST_SEEN_KEY = "_last_seen"
#: ISO time the password was last entered (for sensitive actions).
REAUTH_KEY = "_reauth_at"
#: Set at logout: the next page clears unsaved text JavaScript kept in the browser.
LOGGED_OUT_KEY = "_logged_out"

# Pages a resident may use before accepting new terms (and the ones that must always work).
_TERMS_EXEMPT = {"static", "accounts_profile.accept_terms", "accounts.logout", "pages.terms",
                 "pages.privacy", "pages.crisis", "pages.language", "pages.index",
                 "pages.about", "pages.accessibility",
                 "operations.healthz", "operations.readyz", "operations.metrics"}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _parse(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def begin_login(user: User, next_url: str | None = None):
    """The first factor is done: log in, or ask for the second factor. Returns a redirect."""
    session.pop(PENDING_KEY, None)
    if twofactor.needs_second_factor(user):
        logout_user()
        session[PENDING_KEY] = {"uid": user.get_id(), "at": _iso(clock.now()),
                                "next": safe_next(next_url)}
        if user.has_second_factor:
            return redirect(url_for("accounts_twofactor.verify"))
        return redirect(url_for("accounts_twofactor.enrol"))
    complete_login(user)
    return redirect(safe_next(next_url) or url_for("pages.dashboard"))


def pending_user() -> User | None:
    """The person half logged in (password right, second factor missing), if still valid."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    started = _parse(pending.get("at"))
    limit = timedelta(minutes=current_app.config["SECOND_FACTOR_PENDING_MINUTES"])
    if started is None or clock.now() - started > limit:
        session.pop(PENDING_KEY, None)
        return None
    ident, _, stamp = str(pending.get("uid", "")).partition(".")
    user = db.get(User, int(ident)) if ident.isdigit() else None
    if user is None or user.security_stamp != stamp or not user.is_active:
        session.pop(PENDING_KEY, None)
        return None
    return user


def pending_next() -> str | None:
    pending = session.get(PENDING_KEY)
    return safe_next(pending.get("next")) if isinstance(pending, dict) else None


def _open_session_row(user: User, now: datetime) -> None:
    previous = devices.find(session.get(devices.SESSION_KEY))
    if previous is not None and previous.ended_at is None:
        devices.end(previous, SessionEndReason.LOGOUT, now)
    token = devices.open_session(user, request.headers.get("User-Agent"), now)
    # The cookie names the row; the request's one commit (before the response with the cookie
    # is sent) makes it exist before the next request can use it.
    session[devices.SESSION_KEY] = token


def complete_login(user: User, *, second_factor: bool = False) -> None:
    """Log the person in (the only call of login_user for a fresh login): a new session row, and
    the texts kept in this browser for anyone else removed (the request commits both)."""
    session.pop(PENDING_KEY, None)
    now = clock.now()
    kept.discard_for_others(user)
    _open_session_row(user, now)
    login_user(user)
    # Residents stay logged in across browser restarts (RESIDENT_IDLE_DAYS); staff do not.
    session.permanent = not user.is_staff
    session[LAST_SEEN_KEY] = _iso(now)
    session[REAUTH_KEY] = _iso(now)  # they just typed their password
    if second_factor:
        session[SECOND_FACTOR_KEY] = user.get_id()
    else:
        session.pop(SECOND_FACTOR_KEY, None)


def refresh_login(user: User) -> None:
    """After the password changed (new security stamp, every session row ended): this browser
    stays logged in with a new session row, keeping its 2FA state."""
    had_second_factor = session.get(SECOND_FACTOR_KEY) is not None
    _open_session_row(user, clock.now())
    login_user(user)
    if had_second_factor:
        session[SECOND_FACTOR_KEY] = user.get_id()
    session[REAUTH_KEY] = _iso(clock.now())


def end_session(reason: SessionEndReason = SessionEndReason.LOGOUT) -> None:
    """Log out and end the session row, keeping the CSRF token.

    At a logout, text kept in this browser is deleted and the row is forgotten. When the session
    ends by itself (idle), the cookie still names the ended row, so text posted now is kept for
    its author (``kept.author_of_this_browser``) until they log in again.
    """
    record = getattr(g, "user_session", None) or devices.find(session.get(devices.SESSION_KEY))
    if record is not None and record.ended_at is None:
        devices.end(record, reason, clock.now())
    if reason is not SessionEndReason.IDLE:
        kept.discard_all()
        session.pop(devices.SESSION_KEY, None)
        session[LOGGED_OUT_KEY] = True  # the next page clears unsaved text kept by JavaScript
    logout_user()
    for key in (PENDING_KEY, SECOND_FACTOR_KEY, LAST_SEEN_KEY, REAUTH_KEY):
        session.pop(key, None)


def end_everywhere(user: User) -> None:
    """"Logg ut overalt": every session of the person ends, this browser's too."""
    devices.end_all(user, SessionEndReason.ELSEWHERE, clock.now())
    end_session(SessionEndReason.ELSEWHERE)


def just_logged_out() -> bool:
    """For base.html: true once, on the page after a logout (it clears the browser's drafts)."""
    return LOGGED_OUT_KEY in session and bool(session.pop(LOGGED_OUT_KEY))


def mark_password_confirmed() -> None:
    session[REAUTH_KEY] = _iso(clock.now())


def password_recently_confirmed() -> bool:
    """True if the password was entered in this session within REAUTH_MINUTES."""
    at = _parse(session.get(REAUTH_KEY))
    limit = timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    return at is not None and timedelta(0) <= clock.now() - at <= limit


def password_confirmation_required(view: Callable) -> Callable:
    """Ask for the password again before a sensitive action (changing email, export, closing the
    account) unless it was entered in this session within REAUTH_MINUTES.

    Put it on the view that shows the form (GET) as well as on the one that acts (POST): a GET
    goes to the confirmation page and comes back; a POST that arrives too late is sent back to
    the page it came from, via the confirmation page, so nothing happens without the password.
    """

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if password_recently_confirmed():
            return view(*args, **kwargs)
        if request.method == "GET":
            back = request.full_path.rstrip("?")
        else:
            referrer = request.referrer or ""
            host = request.host_url.rstrip("/")
            back = safe_next(referrer[len(host):] if referrer.startswith(host) else None)
        return redirect(url_for("accounts_profile.confirm_password", next=back or None))

    return wrapped


def idle_limit(user: User) -> timedelta:
    cfg = current_app.config
    if user.is_staff:
        return timedelta(minutes=cfg["STAFF_IDLE_MINUTES"])
    return timedelta(days=cfg["RESIDENT_IDLE_DAYS"])


def enforce_session_rules():
    """before_request: idle timeout, second factor for staff, new terms for residents."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    now = clock.now()
    last_seen = _parse(session.get(LAST_SEEN_KEY))
    record = getattr(g, "user_session", None)
    idle = idle_limit(user)
    if ((last_seen is not None and now - last_seen > idle)
            or (record is not None and now - record.last_seen_at > idle + devices.LAST_SEEN_EVERY)):
        end_session(SessionEndReason.IDLE)
        keep_writes()  # the row ends whatever the view answers (a 401 to an autosave, a 404)
        flash(_("Du ble logget ut fordi du ikke hadde vært aktiv på en stund. Logg inn igjen."),
              "info")
        return None  # the view sees an anonymous visitor (login_required sends them to log in)
    if twofactor.needs_second_factor(user) and session.get(SECOND_FACTOR_KEY) != user.get_id():
        # A staff session that never passed the second factor (e.g. made by an old code path).
        end_session()
        keep_writes()
        return None
    session[LAST_SEEN_KEY] = _iso(now)
    if record is not None:
        # At most once a minute; committed with the request (a refused request does not count).
        devices.touch(record, now)
    # New terms are asked for on the next page, never instead of saving what the resident sent:
    # a worksheet posted just after the terms changed is saved, then the page asks.
    if (user.is_resident and user.terms_version != current_app.config["TERMS_VERSION"]
            and request.method == "GET" and request.endpoint not in _TERMS_EXEMPT):
        return redirect(url_for("accounts_profile.accept_terms", next=request.full_path.rstrip("?")))
    return None
