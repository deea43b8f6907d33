"""What accounts tell people, through the outbox like every other notice (registered in
create_app): the email-confirmation link, the password-reset link, the staff invitation and the
"someone signed up with your address" mail. They are due at once and leave on the scheduler's
next pass; they are never muted, held for a digest or kept for quiet hours (catalogue: topic
"account"), and are not listed in the notification centre.

The link's token waits in the outbox encrypted (notifications.kinds.sealed) and is dropped once
the mail is sent; a link that was used, replaced or expired meanwhile is not sent at all.

Accounts also answer the notification system's questions about people (`AccountPeople`).
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from selfhelp.accounts.municipalities import municipality_name
from selfhelp.accounts.models import StaffMunicipality, User
from selfhelp.accounts.tokens import digest, is_usable
from selfhelp.notifications.kinds import Gone, link, sealed, unseal
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import Recipient, Registry
from selfhelp.notifications.services import enqueue

#: Kind -> (token purpose, endpoint the link opens).
LINK_MAILS = {
    "verify_email": ("verify_email", "accounts.verify_email"),
    "reset_password": ("reset_password", "accounts.reset_password"),
    "staff_invitation": ("invitation", "accounts.accept_invitation"),
}


def queue_link_mail(user: User, kind: str, raw_token: str, now: datetime,
                    **values: Any) -> Notification:
    """Put a mail with a one-time link in the outbox, due now."""
    return enqueue(user.id, kind, f"token:{digest(raw_token)}", now, now,
                   {**values, **sealed(raw_token)})


def queue_signup_attempt(user: User, now: datetime) -> Notification:
    """Tell the owner of an address that someone tried to sign up with it (every attempt)."""
    return enqueue(user.id, "signup_attempt", f"signup:{now:%Y%m%dT%H%M%S}:{secrets.token_hex(4)}",
                   now, now, {})


def _link_mail(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    purpose, endpoint = LINK_MAILS[n.kind]
    raw = unseal(n)
    if not is_usable(session, raw, purpose, now):
        raise Gone("the link was used, replaced or expired before it was sent")
    values = {k: v for k, v in n.context.items() if k in ("hours", "minutes", "days", "inviter")}
    return {"link": link(endpoint, token=raw), **values}


def _signup_attempt(session: Session, n: Notification, now: datetime) -> dict[str, Any]:
    login = link("accounts.login")
    return {"link": login, "login_link": login, "reset_link": link("accounts.forgot_password")}


class AccountPeople:
    """The recipient lookup the notification system reads through (it imports no accounts)."""

    def recipient(self, session: Session, user_id: int) -> Recipient | None:
        # Only the columns needed: loading a whole User also loads its roles and municipalities.
        row = session.execute(select(User.name, User.email, User.phone, User.locale, User.active,
                                     User.municipality_code).where(User.id == user_id)).first()
        if not row:
            return None
        code = row.municipality_code
        if code is None:  # staff: the municipality they serve, when it is one
            served = session.scalars(select(StaffMunicipality.municipality_code)
                                     .where(StaffMunicipality.user_id == user_id).limit(2)).all()
            code = served[0] if len(served) == 1 else None
        return Recipient(row.name or "", row.email, row.phone, row.locale, row.active,
                         municipality_name(code) if code else None)

    def served_by(self, admin: User) -> Select:
        """Residents of the admin's municipalities and staff serving them (a subquery of ids)."""
        codes = admin.municipality_codes
        staff_there = select(StaffMunicipality.user_id).where(
            StaffMunicipality.municipality_code.in_(codes))
        return select(User.id).where(or_(User.municipality_code.in_(codes), User.id.in_(staff_there)))

    def names(self, session: Session, user_ids: set[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        return dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())

    def ids_by_email(self, session: Session, addresses: set[str], among: Select) -> dict[str, int]:
        if not addresses:
            return {}
        return dict(session.execute(select(User.email, User.id).where(
            User.email.in_(addresses), User.id.in_(among))).all())


def register(notices: Registry) -> None:
    notices.add_builders({**{kind: _link_mail for kind in LINK_MAILS},
                          "signup_attempt": _signup_attempt})
    notices.set_people(AccountPeople())
