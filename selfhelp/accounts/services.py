"""Account rules: sign-up, verification, login, password reset, staff invitations and profiles."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from selfhelp.accounts import devices, notices
from selfhelp.accounts.models import (
    Role, SessionEndReason, StaffMunicipality, User, UserRole, new_security_stamp,
)
from selfhelp.accounts.throttle import clear_failures, is_throttled, record_failure
from selfhelp.accounts.tokens import issue_token, retire_tokens, use_token
from selfhelp.db import db
from selfhelp.security import STAFF_ROLES, hash_password, password_needs_rehash, verify_password


class AccountError(Exception):
    """A rule was broken; `code` names which, for the form to show the right message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@dataclass
class ResidentSignup:
    name: str
    email: str
    password: str
    birth_date: date
    municipality_code: str
    phone: str | None
    referral_source: str
    locale: str
    gender: str | None = None
    work_status: str | None = None


def register_resident(data: ResidentSignup, now: datetime) -> User | None:
    """Create a resident account (no referral needed) and send the verification link.

    If the address already has an account, nothing is created and its owner gets an email
    instead (None is returned): the caller answers exactly as for a new account, so sign-up never
    reveals that someone uses the service. The password is hashed either way (same timing)."""
    password_hash = hash_password(data.password)
    existing = find_by_email(data.email)
    if existing is not None:
        tell_owner_of_signup_attempt(existing, now)
        return None
    user = User(
        email=normalise_email(data.email), name=data.name.strip(),
        password_hash=password_hash, birth_date=data.birth_date,
        municipality_code=data.municipality_code, phone=(data.phone or None),
        referral_source=data.referral_source, locale=data.locale,
        gender=data.gender or None, work_status=data.work_status or None,
        terms_version=current_app.config["TERMS_VERSION"], terms_accepted_at=now, created_at=now,
    )
    user.roles.append(UserRole(role=Role.RESIDENT))
    db.add(user)
    db.flush()
    send_verification(user, now)
    return user


def tell_owner_of_signup_attempt(user: User, now: datetime) -> None:
    """Someone signed up with this person's address: tell them, with links to log in or reset."""
    notices.queue_signup_attempt(user, now)


def send_verification(user: User, now: datetime) -> None:
    """A new confirmation link (older ones stop working), mailed through the outbox."""
    retire_tokens(user, "verify_email", now)
    hours = current_app.config["VERIFY_TOKEN_HOURS"]
    raw = issue_token(user, "verify_email", timedelta(hours=hours), now)
    notices.queue_link_mail(user, "verify_email", raw, now, hours=hours)


def verify_email(raw_token: str, now: datetime) -> User:
    user = use_token(raw_token, "verify_email", now)
    user.email_verified_at = user.email_verified_at or now
    return user


def authenticate(email: str, password: str, address: str, now: datetime) -> User:
    """Check a login. Raises AccountError('throttled' | 'invalid'), never saying which part was wrong."""
    email = normalise_email(email)
    if is_throttled(email, address, now):
        raise AccountError("throttled")
    user = find_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        record_failure(email, address, now)
        raise AccountError("invalid")
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not user.is_staff:
        # Staff's failures are cleared only after the second factor: otherwise typing the
        # password again would reset the count of wrong codes.
        clear_failures(email)
    user.last_login_at = now
    return user


def request_password_reset(email: str, now: datetime) -> None:
    """Email a reset link if the account exists; the caller shows the same message either way."""
    user = find_by_email(email)
    if user is None or not user.active:
        return
    retire_tokens(user, "reset_password", now)
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    raw = issue_token(user, "reset_password", timedelta(minutes=minutes), now)
    notices.queue_link_mail(user, "reset_password", raw, now, minutes=minutes)


def reset_password(raw_token: str, new_password: str, now: datetime) -> User:
    user = use_token(raw_token, "reset_password", now)
    _set_password(user, new_password, now)
    # The person proved they own the address by clicking the link.
    user.email_verified_at = user.email_verified_at or now
    clear_failures(user.email)
    return user


def change_password(user: User, current: str, new_password: str, now: datetime) -> None:
    """A new password ends every session of the person (the view opens a new one for this
    browser, see session.refresh_login)."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong_password")
    _set_password(user, new_password, now)


def confirm_password(user: User, password: str, address: str, now: datetime) -> None:
    """The password again, before a sensitive action; failures count towards the login limit."""
    if is_throttled(user.email, address, now):
        raise AccountError("throttled")
    if not verify_password(user.password_hash, password):
        record_failure(user.email, address, now)
        raise AccountError("wrong_password")


def change_email(user: User, new_email: str, now: datetime) -> None:
    """Move the account to a new address, which must be confirmed through the link sent to it."""
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("same_email")
    if find_by_email(new_email):
        raise AccountError("email_taken")
    user.email = new_email
    user.email_verified_at = None
    send_verification(user, now)


def accept_terms(user: User, now: datetime) -> None:
    """Store that the person accepted the current terms and privacy notice."""
    user.terms_version = current_app.config["TERMS_VERSION"]
    user.terms_accepted_at = now


def _set_password(user: User, new_password: str, now: datetime) -> None:
    user.password_hash = hash_password(new_password)
    user.security_stamp = new_security_stamp()  # logs out other sessions
    devices.end_all(user, SessionEndReason.PASSWORD, now)


@dataclass
class StaffDetails:
    name: str
    display_name: str | None
    roles: list[str]
    municipality_codes: list[str]


def _sync(collection: list, wanted: list[str], attr: str, make) -> None:
    """Make `collection` hold exactly `wanted` (by `attr`), keeping rows that stay.

    Replacing the whole list would insert new rows before deleting old ones and trip the
    unique constraints, so only the differences change.
    """
    wanted = list(dict.fromkeys(wanted))
    for row in [r for r in collection if getattr(r, attr) not in wanted]:
        collection.remove(row)
    present = {getattr(r, attr) for r in collection}
    collection.extend(make(value) for value in wanted if value not in present)


# --- the municipality boundary -----------------------------------------------------------------
#
# Municipalities are separate data controllers. Nobody changes their own roles or municipalities
# (nor their qualifications: see leader_register); an admin grants only municipalities they serve
# themselves, and manages only staff who serve nothing but the admin's municipalities.

def can_manage(actor: User, member: User) -> bool:
    """May this admin change the member's roles, municipalities, access or register entries?"""
    codes = member.municipality_codes
    return actor.has_role("admin") and bool(codes) and codes <= actor.municipality_codes


def _check_scope(actor: User, details: StaffDetails) -> None:
    codes = set(details.municipality_codes)
    if not codes:
        raise AccountError("no_municipality")
    if not codes <= actor.municipality_codes:
        raise AccountError("municipality_outside")


def _apply_staff_details(user: User, details: StaffDetails) -> None:
    roles = [r for r in details.roles if r in STAFF_ROLES]
    if not roles:
        raise AccountError("no_role")
    user.name = details.name.strip()
    user.display_name = (details.display_name or "").strip() or None
    keep_resident = [Role.RESIDENT] if user.has_role(Role.RESIDENT) else []
    _sync(user.roles, keep_resident + roles, "role", lambda r: UserRole(role=r))
    _sync(user.municipalities_served, details.municipality_codes, "municipality_code",
          lambda code: StaffMunicipality(municipality_code=code))


def invite_staff(actor: User, email: str, details: StaffDetails, locale: str,
                 now: datetime) -> User:
    """An admin invites a staff member for (some of) the admin's own municipalities; they get a
    link to set their password."""
    if not actor.has_role("admin"):
        raise AccountError("forbidden")
    _check_scope(actor, details)
    if find_by_email(email):
        raise AccountError("email_taken")
    user = User(email=normalise_email(email), name=details.name, locale=locale, created_at=now)
    _apply_staff_details(user, details)
    db.add(user)
    db.flush()
    send_invitation(actor, user, now)
    return user


def send_invitation(actor: User, user: User, now: datetime) -> None:
    """A new invitation link (older ones stop working), mailed through the outbox."""
    retire_tokens(user, "invitation", now)
    days = current_app.config["INVITATION_TOKEN_DAYS"]
    raw = issue_token(user, "invitation", timedelta(days=days), now)
    notices.queue_link_mail(user, "staff_invitation", raw, now, inviter=actor.shown_name, days=days)


def accept_invitation(raw_token: str, password: str, now: datetime) -> User:
    user = use_token(raw_token, "invitation", now)
    _set_password(user, password, now)
    user.email_verified_at = user.email_verified_at or now
    user.terms_version = current_app.config["TERMS_VERSION"]
    user.terms_accepted_at = now
    return user


def update_staff(actor: User, user: User, details: StaffDetails, active: bool) -> None:
    """An admin changes a staff member's name, roles, municipalities or access.

    Admins editing themselves may change only their names: never their own roles,
    municipalities or access."""
    if not actor.has_role("admin"):
        raise AccountError("forbidden")
    if user.id == actor.id:
        if not active or set(details.roles) != user.role_names - {Role.RESIDENT}:
            raise AccountError("own_roles")
        if set(details.municipality_codes) != user.municipality_codes:
            raise AccountError("own_municipalities")
    elif not can_manage(actor, user):
        raise AccountError("outside_scope")
    _check_scope(actor, details)
    _apply_staff_details(user, details)
    user.active = active


def update_own_staff_profile(user: User, display_name: str | None) -> None:
    """Staff keep their own display name up to date; roles, municipalities and qualifications
    are set by an admin."""
    user.display_name = (display_name or "").strip() or None


def set_locale(user: User | None, locale: str) -> None:
    if user is not None and user.is_authenticated:
        user.locale = locale


def create_admin(email: str, name: str, password: str, municipality_codes: list[str],
                 now: datetime) -> User:
    """For the CLI: an admin who can log in at once."""
    user = find_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name, created_at=now)
        db.add(user)
    user.password_hash = hash_password(password)
    user.email_verified_at = now
    user.terms_version = current_app.config["TERMS_VERSION"]
    user.terms_accepted_at = now
    _apply_staff_details(user, StaffDetails(
        name=name, display_name=None,
        roles=sorted((user.role_names & set(STAFF_ROLES)) | {Role.ADMIN}),
        municipality_codes=municipality_codes or sorted(user.municipality_codes)))
    db.flush()
    return user


def staff_members(admin: User) -> list[User]:
    """Staff an admin sees: everyone with a staff role who serves one of the admin's municipalities.
    Those who also serve other municipalities are listed but cannot be changed (see can_manage)."""
    staff = db.scalars(
        select(User).join(UserRole).where(UserRole.role.in_(STAFF_ROLES)).distinct()
        .order_by(User.name)
    ).all()
    mine = admin.municipality_codes
    return [u for u in staff if u.municipality_codes & mine]
