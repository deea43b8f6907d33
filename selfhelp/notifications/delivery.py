"""Sending the outbox: handle one due notification at a time.

Each row goes through three short transactions (each a `unit_of_work`): CLAIM it with a
conditional UPDATE (pending and due -> sending, stamped with this worker), DELIVER it with no
transaction open, RECORD the outcome. An in-app row sends nothing: claim and record are one.
The claim is the lock: two schedulers never send the same row, and a crash leaves the row in
"sending", where another worker reclaims it after STUCK_AFTER. That makes delivery at-least-once
only for a worker that dies between the mail server's "accepted" and the record; the Message-ID
is stable per notification, so such a resend is recognisable as the same message.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext
from jinja2 import TemplateNotFound
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from selfhelp.channels.email import MailConnection, build_message, render_email, render_subject
from selfhelp.channels.sms import get_sms_backend
from selfhelp.db import db, get_database, unit_of_work
from selfhelp.i18n import LANGUAGES
from selfhelp.notifications.catalogue import kind_of
from selfhelp.notifications.kinds import Gone, UnknownKind, build_context, link, without_secret
from selfhelp.notifications.models import Notification
from selfhelp.notifications.preferences import Decision, decide, settings_for, unsubscribe_token
from selfhelp.notifications.registry import people

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
#: Wait after the 1st, 2nd, ... failure; a mail server that is down for a night is survived.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
#: A claim this old belongs to a worker that died: the row may be taken again.
STUCK_AFTER = timedelta(minutes=10)
#: A pass stops claiming after this long, so its claims (stamped with the pass's `now`) are always
#: far younger than STUCK_AFTER while it still works on them.
PASS_BUDGET_SECONDS = 120.0


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    #: Due inside the recipient's quiet hours: waits for the morning.
    deferred: int = 0
    #: Kept for the recipient's daily digest.
    held: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried + self.cancelled + self.deferred + self.held

    def add(self, other: DeliveryReport) -> None:
        for name in ("sent", "failed", "retried", "cancelled", "deferred", "held"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        return (f"sent {self.sent}, retried {self.retried}, failed {self.failed}, "
                f"cancelled {self.cancelled}, deferred {self.deferred}, held for digest {self.held}")


class _Skip(Exception):
    """Deliver nothing and mark the row with this state ("cancelled" or "failed")."""

    def __init__(self, state: str, reason: str):
        super().__init__(reason)
        self.state = state


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def send_due(now: datetime, *, worker: str, limit: int = 200,
             stop: Callable[[], bool] | None = None) -> DeliveryReport:
    """Send up to `limit` due notifications, one claim-deliver-record cycle each.

    Uses its own database session and one unit of work per step of a row, so it may run in any
    app context. `stop` is checked between rows (the scheduler sets it on SIGTERM).
    """
    report = DeliveryReport()
    started = time.monotonic()
    look_for_stuck = True  # stuck rows are rare: once none is found, stop asking this pass
    # Built once: `now` and `worker` do not change within a pass (saves half the CPU per row).
    claim_stuck = _claim_statement(_stuck(now), now, worker, lost=True)
    claim_due = _claim_statement(_due(now), now, worker)
    with get_database().sessionmaker() as session, MailConnection() as mail:
        while report.handled < limit and not (stop and stop()):
            if time.monotonic() - started > PASS_BUDGET_SECONDS:
                break
            with unit_of_work(session):  # the claim is durable before any work is done
                n = session.scalars(claim_stuck).first() if look_for_stuck else None
                look_for_stuck = n is not None
                n = n or session.scalars(claim_due).first()
                if n is not None and n.channel == "in_app":  # nothing leaves: record it at once
                    outcome = _show_in_app(session, n, now, worker)
            if n is None:
                break
            if n.channel != "in_app":
                outcome = _send(session, mail, n, now, worker)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _due(now: datetime) -> ColumnElement[bool]:
    N = Notification
    return ((N.state == "pending") & (N.due_at <= now)
            & or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now))


def _stuck(now: datetime) -> ColumnElement[bool]:
    return (Notification.state == "sending") & (Notification.claimed_at < now - STUCK_AFTER)


def _claim_statement(condition: ColumnElement[bool], now: datetime, worker: str,
                     lost: bool = False) -> ReturningUpdate[tuple[Notification]]:
    """UPDATE ... RETURNING that takes the first row matching `condition` for this worker."""
    N = Notification
    # SKIP LOCKED lets PostgreSQL workers pass each other instead of queueing on one row
    # (SQLite ignores it: it has one writer at a time). The outer WHERE repeats the condition:
    # that re-check under the row lock is what makes the claim safe.
    candidate = (select(N.id).where(condition).order_by(N.due_at, N.id).limit(1)
                 .with_for_update(skip_locked=True).scalar_subquery())
    # A reclaimed row counts as a failed try, so a row that kills its worker every time ends up
    # "failed" instead of looping forever.
    extra = {"attempts": N.attempts + 1,
             "last_error": "claim expired: the worker stopped while sending"} if lost else {}
    return (update(N).where(N.id == candidate, condition)
            .values(state="sending", claimed_at=now, claimed_by=worker, **extra)
            .returning(N).execution_options(synchronize_session=False))


@dataclass
class _Prepared:
    decision: Decision
    #: The outbox row's context plus the rendered title and link the notification centre shows.
    context: dict
    send: Callable[[], None] | None = None
    #: Listed in the notification centre (account mail is not).
    in_centre: bool = True


def _show_in_app(session: Session, n: Notification, now: datetime, worker: str) -> str:
    """Render and record a claimed in-app row inside the claim's unit of work."""
    try:
        if n.attempts >= MAX_ATTEMPTS:
            raise _Skip("failed", n.last_error or "too many attempts")
        with session.begin_nested():  # a failed render must not undo the claim
            prepared = _prepare(session, n, now)
    except _Skip as skip:
        return _record_skip(session, n, now, worker, skip)
    except Exception as error:  # noqa: BLE001 - any failure of one row must not stop the queue
        return _record_failure(session, n, now, worker, error)
    return _record_prepared(session, n, now, worker, prepared)


def _send(session: Session, mail: MailConnection, n: Notification, now: datetime,
          worker: str) -> str:
    """Deliver a claimed row by email or SMS and record the outcome; returns the DeliveryReport
    field to count."""
    try:
        with unit_of_work(session):
            if n.attempts >= MAX_ATTEMPTS:
                raise _Skip("failed", n.last_error or "too many attempts")
            prepared = _prepare(session, n, now, mail)
            if prepared.send is None:  # deferred, held for the digest or in-app by choice
                return _record_prepared(session, n, now, worker, prepared)
        # No transaction stays open while we talk to the mail server.
        prepared.send()
    except _Skip as skip:
        with unit_of_work(session):
            return _record_skip(session, n, now, worker, skip)
    except Exception as error:  # noqa: BLE001 - any failure of one row must not stop the queue
        with unit_of_work(session):
            return _record_failure(session, n, now, worker, error)
    with unit_of_work(session):
        return _record_prepared(session, n, now, worker, prepared)


def _record_prepared(session: Session, n: Notification, now: datetime, worker: str,
                     prepared: _Prepared) -> str:
    decision = prepared.decision
    shown_at = (n.shown_at or now) if prepared.in_centre else None
    if decision.action == "later":  # quiet hours: not a failed try, just not yet
        return _record(session, n, now, worker, "deferred", state="pending",
                       next_attempt_at=decision.not_before, context=prepared.context,
                       shown_at=shown_at)
    if decision.action == "digest":
        return _record(session, n, now, worker, "held", state="digest", channel="in_app",
                       context=prepared.context, shown_at=shown_at)
    return _record(session, n, now, worker, "sent", state="sent", sent_at=now,
                   channel=decision.channel, context=prepared.context, shown_at=shown_at)


def _record_skip(session: Session, n: Notification, now: datetime, worker: str,
                 skip: _Skip) -> str:
    log.info("notification %s %s: %s", n.id, skip.state, skip)
    # A cancelled row keeps no secret; a failed one keeps it (sealed) for the admin's retry.
    extra = {"context": without_secret(n.context)} if skip.state == "cancelled" else {}
    return _record(session, n, now, worker, skip.state, state=skip.state, last_error=str(skip),
                   **extra)


def _prepare(session: Session, n: Notification, now: datetime,
             mail: MailConnection | None = None) -> _Prepared:
    """Render the message and decide, by the recipient's settings, how it goes (reads only)."""
    recipient = people().recipient(session, n.recipient_id)
    if not recipient or not recipient.active or not recipient.email:
        raise _Skip("cancelled", "recipient account closed or deactivated")
    locale = recipient.locale or "nb"
    first_name = recipient.first_name
    kind = kind_of(n.kind)
    topic = kind.topic if kind.can_mute else None
    try:
        with force_locale(locale):
            context = build_context(session, n, first_name, now)
            context["municipality"] = recipient.municipality
            if topic:
                context["unsubscribe_link"] = link(
                    "notifications.unsubscribe", token=unsubscribe_token(n.recipient_id, topic))
                context["unsubscribe_text"] = gettext("Vil du ikke få slike e-poster? Slå dem av her:")
        soon_at = context.pop("soon_at", None)
        subject = render_subject(n.kind, locale, **context)
        if kind.transactional:  # account mail: by email now; neither its link nor a title is kept
            shown, decision = without_secret(n.context), Decision("send", "email")
        else:
            shown = {**n.context, "title": _titles(session, n, first_name, now, locale, subject),
                     "link": context["link"]}
            if n.channel == "in_app":  # the domain asked for the notification centre only
                return _Prepared(Decision("in_app", "in_app"), shown)
            decision = decide(kind, settings_for(session, n.recipient_id), now,
                              has_phone=bool(recipient.phone), soon_at=soon_at)
        if decision.action != "send":
            return _Prepared(decision, shown)
        _subject, text, html = render_email(n.kind, locale, **context)
    except Gone as gone:
        raise _Skip("cancelled", str(gone)) from None
    except (UnknownKind, TemplateNotFound) as missing:
        raise _Skip("failed", f"no templates for kind {missing}") from None
    if n.channel == "sms" and recipient.phone and not kind.transactional:  # the domain asked for SMS
        decision = Decision("send", "sms")
    if decision.channel == "sms":
        backend = get_sms_backend()
        message = f"{subject}\n{context['link']}"
        phone = recipient.phone
        return _Prepared(decision, shown,
                         lambda: backend.send(phone, message, name=f"{n.id}-{n.kind}"))
    if recipient.municipality:  # who writes: the municipality's service, as in the HTML header
        with force_locale(locale):
            text = f"{text.rstrip()}\n\n{gettext('Hilsen selfhelp, %(municipality)s kommune', municipality=recipient.municipality)}\n"
    if topic:
        text = f"{text.rstrip()}\n\n{context['unsubscribe_text']}\n{context['unsubscribe_link']}\n"
    msg = build_message(recipient.email, subject, text, html)
    # Stable per notification: a resend after a crash is the same message to the mail system.
    del msg["Message-ID"]
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "selfhelp.local"
    msg["Message-ID"] = f"<notification-{n.id}-{n.created_at:%Y%m%d%H%M%S}@{host}>"
    msg["X-Selfhelp-Notification"] = str(n.id)
    if topic:  # RFC 8058: mail programs show an "unsubscribe" button that works in one click
        msg["List-Unsubscribe"] = f"<{context['unsubscribe_link']}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    assert mail is not None, "an email is prepared only with a mail connection"
    return _Prepared(decision, shown, lambda: mail.send(msg, f"{n.id}-{n.kind}"),
                     in_centre=not kind.transactional)


def _titles(session: Session, n: Notification, first_name: str, now: datetime, locale: str,
            subject: str) -> dict[str, str]:
    """The subject in every language, for the notification centre: the person may read selfhelp
    in another language than their emails come in."""
    titles = {locale: subject}
    for language in LANGUAGES:
        if language not in titles:
            with force_locale(language):
                context = build_context(session, n, first_name, now)
            titles[language] = render_subject(n.kind, language, **context)
    return titles


def _record(session: Session, n: Notification, now: datetime, worker: str, outcome: str,
            **values: object) -> str:
    """Write the outcome if the claim is still ours (the caller's unit of work commits it)."""
    still_ours = session.execute(
        update(Notification).where(Notification.id == n.id, Notification.state == "sending",
                                   Notification.claimed_by == worker,
                                   Notification.claimed_at == now)
        .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    if not still_ours:  # another worker took it over as stuck; its record wins
        log.warning("notification %s: claim lost before recording %s", n.id, outcome)
    return outcome


def _record_failure(session: Session, n: Notification, now: datetime, worker: str,
                    error: Exception) -> str:
    attempts = n.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        log.error("notification %s failed for good after %s attempts: %s", n.id, attempts, reason)
        return _record(session, n, now, worker, "failed", state="failed", attempts=attempts,
                       last_error=reason)
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    log.warning("notification %s: attempt %s failed (%s); next try in %s",
                n.id, attempts, reason, wait)
    return _record(session, n, now, worker, "retried", state="pending", attempts=attempts,
                   last_error=reason, next_attempt_at=now + wait)


def send_everything_due(now: Callable[[], datetime], *, worker: str,
                        stop: Callable[[], bool] | None = None) -> DeliveryReport:
    """Passes of send_due until one finds nothing left (a backlog drains in one run).

    Rows that failed now are due again only later (backoff), so this always ends.
    """
    total = DeliveryReport()
    while not (stop and stop()):
        report = send_due(now(), worker=worker, stop=stop)
        total.add(report)
        if report.handled == 0:
            break
    return total



def failed_notifications(recipients=None, limit: int = 100) -> list[Notification]:
    """Notifications given up on (newest first), for the admin page; `recipients` narrows them
    to a subquery of user ids."""
    query = select(Notification).where(Notification.state == "failed")
    if recipients is not None:
        query = query.where(Notification.recipient_id.in_(recipients))
    return list(db.scalars(query.order_by(Notification.id.desc()).limit(limit)))
