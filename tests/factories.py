"""Small factories with keyword overrides: make_resident(age=15), make_staff(roles=["guide"])."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timezone

from selfhelp.accounts.models import StaffMunicipality, StaffQualification, User, UserRole
from selfhelp.db import db
from selfhelp.security import hash_password

PASSWORD = "correct horse battery"
MUNICIPALITY = "3301"  # Drammen
OTHER_MUNICIPALITY = "4601"  # Bergen
_seq = itertools.count(1)


def _birth_date_for(age: int, today: date | None = None) -> date:
    """1 January, `age` years back: the person has had this year's birthday."""
    today = today or datetime.now(timezone.utc).date()
    return date(today.year - age, 1, 1)


def make_user(*, roles: list[str], email: str | None = None, name: str | None = None,
              password: str = PASSWORD, verified: bool = True, **fields) -> User:
    n = next(_seq)
    now = datetime.now(timezone.utc)
    user = User(email=email or f"person{n}@example.com", name=name or f"Person {n}",
                password_hash=hash_password(password) if password else None,
                email_verified_at=now if verified else None, created_at=now,
                terms_version="2026-11", terms_accepted_at=now, **fields)
    user.roles = [UserRole(role=r) for r in roles]
    db.add(user)
    db.flush()
    return user


def make_resident(*, age: int = 35, municipality: str = MUNICIPALITY, **fields) -> User:
    fields.setdefault("birth_date", _birth_date_for(age))
    return make_user(roles=["resident"], municipality_code=municipality,
                     referral_source=fields.pop("referral_source", "self"), **fields)


def make_staff(*, roles: list[str], municipalities: list[str] | None = None,
               qualifications: list[str] | None = None, **fields) -> User:
    user = make_user(roles=roles, **fields)
    user.municipalities_served = [StaffMunicipality(municipality_code=m)
                                  for m in (municipalities if municipalities is not None else [MUNICIPALITY])]
    user.qualifications = [StaffQualification(qualification=q) for q in (qualifications or [])]
    db.flush()
    return user
