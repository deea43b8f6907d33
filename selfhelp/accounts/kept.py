"""No text is ever lost: text posted after its author's login expired, or with a stale form
token, is kept aside for that author and given back after they log in again.

* The text is stored in ``kept_texts`` with its author (the person whose session this browser
  had, ``author_of_this_browser``); its key sits in the signed session cookie (``COOKIE_KEY``).
* It is only ever handed to its author: logging in as someone else on the same browser discards
  it (``discard_for_others``, from ``session.complete_login``), and logging out discards it.
* Each form decides how it comes back: a worksheet is saved (it is a draft anyway), check-ins,
  messages and feedback are put back into the form with a message, for the author to send.
* Texts are size-limited (``MAX_CHARS``) and kept at most ``KEEP_FOR``.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import wraps
from typing import Callable

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from selfhelp import clock
from selfhelp.accounts import devices
from selfhelp.accounts.models import KeptForm, KeptText, SessionEndReason
from selfhelp.db import db
from selfhelp.forms import csrf_is_valid

KEEP_FOR = timedelta(days=7)
#: The most text one kept form may hold (all fields together).
MAX_CHARS = 50_000
#: The key in the signed session cookie listing this browser's kept texts.
COOKIE_KEY = "_kept"
#: How many kept texts one browser may have waiting.
MAX_WAITING = 5
_NOT_KEPT = ("csrf_token",)


def author_of_this_browser() -> int | None:
    """Whose text a POST from this browser is: the person logged in, or the one whose session
    here ended by itself (idle timeout). Nobody after a logout, or without a session row."""
    if current_user.is_authenticated:
        return current_user.id
    record = devices.find(session.get(devices.SESSION_KEY))
    if record is None or record.ended_reason not in (None, SessionEndReason.IDLE.value):
        return None
    return record.user_id


def _pairs(fields: MultiDict) -> list[list[str]]:
    return [[name, value] for name, value in fields.items(multi=True) if name not in _NOT_KEPT]


def texts_of(fields: MultiDict) -> list[str]:
    """What a person typed in a posted form (for showing it back)."""
    return [value for name, value in fields.items(multi=True)
            if name not in _NOT_KEPT and name not in ("nonce", "do", "checkin_id", "snippet",
                                                      "minutes", "add_row")
            and value.strip()]


def keep(author_id: int, form: KeptForm, target: str, fields: MultiDict, now: datetime) -> bool:
    """Keep the posted fields for `author_id`; False when there is nothing to keep or too much."""
    pairs = _pairs(fields)
    if not any(value.strip() for _name, value in pairs):
        return False
    if sum(len(name) + len(value) for name, value in pairs) > MAX_CHARS:
        return False
    key = secrets.token_hex(24)
    db.add(KeptText(key=key, author_id=author_id, form=form.value, target=target[:250],
                    fields=pairs, created_at=now))
    db.execute(delete(KeptText).where(KeptText.created_at < now - KEEP_FOR))
    waiting = [k for k in session.get(COOKIE_KEY, []) if isinstance(k, str)]
    dropped, waiting = waiting[:-(MAX_WAITING - 1)], waiting[-(MAX_WAITING - 1):]
    if dropped:
        db.execute(delete(KeptText).where(KeptText.key.in_(dropped)))
    session[COOKIE_KEY] = [*waiting, key]
    db.flush()
    return True


def _waiting_keys() -> list[str]:
    return [k for k in session.get(COOKIE_KEY, []) if isinstance(k, str)]


def take(user, form: KeptForm, target: str, now: datetime) -> MultiDict | None:
    """The newest text `user` kept in this browser for this form, removed from the store."""
    keys = _waiting_keys()
    if not keys:
        return None
    rows = list(db.scalars(select(KeptText).where(
        KeptText.key.in_(keys), KeptText.author_id == user.id, KeptText.form == form.value,
        KeptText.target == target[:250]).order_by(KeptText.created_at.desc(), KeptText.id.desc())))
    if not rows:
        return None
    for row in rows:
        db.delete(row)
    taken = {row.key for row in rows}
    session[COOKIE_KEY] = [k for k in keys if k not in taken]
    newest = rows[0]
    if newest.created_at < now - KEEP_FOR:
        return None
    return MultiDict([(name, value) for name, value in newest.fields])


def discard_for_others(user) -> None:
    """Someone logged in: texts kept in this browser for anyone else are deleted, unseen."""
    keys = _waiting_keys()
    if not keys:
        return
    foreign = list(db.scalars(select(KeptText.key).where(KeptText.key.in_(keys),
                                                         KeptText.author_id != user.id)))
    if foreign:
        db.execute(delete(KeptText).where(KeptText.key.in_(foreign)))
    known = set(db.scalars(select(KeptText.key).where(KeptText.key.in_(keys))))
    session[COOKIE_KEY] = [k for k in keys if k in known]


def discard_all() -> None:
    """Logout: nothing typed in this browser waits for anyone any more."""
    keys = _waiting_keys()
    if keys:
        db.execute(delete(KeptText).where(KeptText.key.in_(keys)))
    session.pop(COOKIE_KEY, None)


def keep_or_show_back(form: KeptForm, target: str, back: str, *, author_id: int | None = None):
    """Keep what was posted for its author and send them on (to log in, or back to the form);
    without a known author the text is shown back so it can be copied."""
    author = author_id if author_id is not None else author_of_this_browser()
    if not texts_of(request.form):  # nothing typed, nothing to lose
        if current_user.is_authenticated:
            return redirect(back)
        return redirect(url_for("accounts.login", next=back))
    kept = author is not None and keep(author, form, target, request.form, clock.now())
    if not kept:  # nothing was written; the text is shown back to be copied
        return render_template("programs/text_not_saved.html", texts=texts_of(request.form)), 401
    if current_user.is_authenticated:
        return redirect(back)  # the page puts the text back, with a message (put_back)
    flash(_("Du var logget ut. Logg inn igjen, så får du tilbake teksten du skrev."), "info")
    return redirect(url_for("accounts.login", next=back))


def keeps_text(form: KeptForm, target: Callable[..., str], back: Callable[..., str]):
    """Put above ``roles_required``: a POST that arrives after the login expired is kept for its
    author (``keep_or_show_back``) instead of being dropped by ``login_required``.

    `target` and `back` get the view's URL arguments: what the form is about, and the page
    (GET) that puts the text back into the form.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method == "POST" and not current_user.is_authenticated:
                if request.accept_mimetypes.best == "application/json":
                    return jsonify(saved=False, reason="login"), 401  # autosave: the page keeps it
                return keep_or_show_back(form, target(**kwargs), back(**kwargs))
            return view(*args, **kwargs)

        for name in ("csrf_in_form", "required_roles"):
            if hasattr(view, name):
                setattr(wrapped, name, getattr(view, name))
        return wrapped

    return decorator


def put_back(form: KeptForm, target: str) -> MultiDict | None:
    """On the form's page (GET): the author's kept text for it, with a message, or None."""
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    fields = take(current_user, form, target, clock.now())
    if fields is not None:
        flash(_("Teksten du skrev er satt inn igjen, men ikke sendt ennå. Se over og send når "
                "du er klar."), "info")
    return fields


def stale_form_token() -> bool:
    return not csrf_is_valid(request.form.get("csrf_token"))
