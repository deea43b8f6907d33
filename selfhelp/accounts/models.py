"""People: residents and staff, their roles, one-time tokens and login attempts."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selfhelp.crypto import EncryptedString
from selfhelp.db import Base, UTCDateTime, utcnow, vocabulary

REFERRAL_SOURCES = ("self", "gp", "nav", "school", "other")


class Role(StrEnum):
    RESIDENT = "resident"
    GUIDE = "guide"
    COURSE_LEADER = "course_leader"
    ADMIN = "admin"


class TokenPurpose(StrEnum):
    """What a one-time link is for (``AccountToken.purpose``)."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"


class Qualification(StrEnum):
    """A course-leader qualification, recorded by an admin in the leader register."""

    KID = "kid_leader"
    KIB = "kib_leader"
    DU = "du_leader"


QUALIFICATIONS = tuple(q.value for q in Qualification)
GENDERS = ("female", "male", "other", "unspoken")
WORK_STATUSES = ("working", "sick_leave", "nav_benefits", "student", "unemployed", "retired", "other",
                 "unspoken")


def new_security_stamp() -> str:
    return secrets.token_hex(8)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Null until the person clicks the link in the verification email.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Null for invited staff who have not set a password yet.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    #: What residents see of a staff member ("Kari, veileder"); residents leave it empty.
    display_name: Mapped[str | None] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date)
    #: Kommunenummer of the municipality the resident lives in.
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: How the resident heard of the service: one of REFERRAL_SOURCES.
    referral_source: Mapped[str | None] = mapped_column(String(20))
    #: Optional, for service reports: one of GENDERS (null: not asked or not answered).
    gender: Mapped[str | None] = mapped_column(String(20))
    #: Optional, for service reports: one of WORK_STATUSES (null: not asked or not answered).
    work_status: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(5), default="nb")
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: False blocks login (set by an admin, or until an invited staff member sets a password).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Changes when the password changes, which logs out every other session.
    security_stamp: Mapped[str] = mapped_column(String(16), default=new_security_stamp)
    #: When the person closed the account: identity removed, clinical records kept (pseudonymised).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the retention job deleted the closed account's clinical records (the row stays, empty).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Base32 TOTP secret of the staff member's authenticator app (set when enrolment starts),
    #: stored encrypted with SELFHELP_DATA_KEY (selfhelp/crypto.py).
    #: Encrypted at rest, and loaded only when read: a list of staff (or a streamed CSV, after
    #: the request) never decrypts secrets it does not use.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(255), deferred=True)
    #: Set when the first code was confirmed; until then the secret is only a proposal.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last TOTP time step used to log in, so a code cannot be used twice.
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    municipalities_served: Mapped[list[StaffMunicipality]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )
    #: The leader register's entries for this person (revoked ones too, for the history).
    leader_registrations: Mapped[list[LeaderRegistration]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", foreign_keys="LeaderRegistration.user_id",
        order_by="LeaderRegistration.recorded_at",
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active and self.password_hash is not None

    def get_id(self) -> str:
        return f"{self.id}.{self.security_stamp}"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_resident(self) -> bool:
        return self.has_role(Role.RESIDENT)

    @property
    def is_staff(self) -> bool:
        return self.has_any_role(Role.GUIDE, Role.COURSE_LEADER, Role.ADMIN)

    @property
    def municipality_codes(self) -> set[str]:
        return {m.municipality_code for m in self.municipalities_served}

    @property
    def qualification_names(self) -> set[str]:
        """Qualifications in force: registered by an admin and not revoked."""
        return {r.qualification for r in self.leader_registrations if r.revoked_at is None}

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(vocabulary(Role, length=20, name="role"))
    user: Mapped[User] = relationship(back_populates="roles")


class StaffMunicipality(Base):
    """A municipality a staff member serves."""

    __tablename__ = "staff_municipalities"
    __table_args__ = (UniqueConstraint("user_id", "municipality_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)


class LeaderRegistration(Base):
    """One entry in the leader register: an admin recorded that a staff member completed a
    course-leader training (course date, certificate or course number). Entries are revoked, never
    deleted, so the register keeps its history. Staff cannot declare qualifications themselves."""

    __tablename__ = "leader_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    qualification: Mapped[Qualification] = mapped_column(
        vocabulary(Qualification, length=20, name="qualification_known"))
    #: The day the training was completed (null only for entries moved from the old profile field).
    course_date: Mapped[date | None] = mapped_column(Date)
    #: Certificate or course number from the course provider (null only for moved entries).
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    #: The admin who recorded it (null for entries moved from the old self-declared field).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id], lazy="joined")


class AccountToken(Base):
    """A one-time link: email verification, password reset or staff invitation."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(vocabulary(TokenPurpose, length=20, name="purpose"))
    #: SHA-256 of the secret in the link; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set by the one conditional UPDATE that may use the token.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """A one-time recovery code for a staff member who has lost their authenticator."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the normalised code; the code itself is shown once and never stored.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set by the one conditional UPDATE that may use the code.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed login, kept in the database so throttling holds across web workers."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionEndReason(StrEnum):
    """Why a login session ended (``UserSession.ended_reason``)."""

    LOGOUT = "logout"            # the person pressed "Logg ut" in this browser
    IDLE = "idle"                # no request for longer than the idle limit
    ELSEWHERE = "elsewhere"      # ended from the session list ("Logg ut overalt")
    PASSWORD = "password"        # the password was changed or reset
    SECOND_FACTOR = "second_factor"  # an admin reset the staff member's second factor
    CLOSED = "closed"            # the account was closed


class UserSession(Base):
    """One logged-in browser. Its random token sits in the signed session cookie; every request
    checks that the row is still open, so a copied cookie stops working at logout."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Updated at most once a minute (``accounts.devices.LAST_SEEN_EVERY``).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Browser and system, e.g. "Firefox, Windows" (never the full user-agent string).
    device: Mapped[str] = mapped_column(String(80))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[SessionEndReason | None] = mapped_column(
        vocabulary(SessionEndReason, length=20, name="ended_reason"))


class KeptForm(StrEnum):
    """The forms whose text is kept when it arrives after the login expired (``KeptText.form``)."""

    WORKSHEET = "worksheet"
    CHECKIN = "checkin"
    MESSAGE = "message"              # a resident's message to their guide
    GUIDE_MESSAGE = "guide_message"  # a guide's message to a resident
    FEEDBACK = "feedback"            # a guide's feedback on a check-in


class KeptText(Base):
    """Text posted after its author's login expired (or with a stale form token). It waits here,
    under a key kept in the author's signed session cookie, and is given back to that author
    only, after they log in again; anyone else logging in on the browser never sees it."""

    __tablename__ = "kept_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    form: Mapped[KeptForm] = mapped_column(vocabulary(KeptForm, length=20, name="form"))
    #: What the form was about: "program/module/exercise", a resident id or a check-in id.
    target: Mapped[str] = mapped_column(String(250))
    #: The posted fields as [[name, value], ...] (repeated names for multiple choices).
    fields: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
