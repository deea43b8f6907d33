"""Lists of open flags and tasks, with who owns each and whether the reader may act on it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care.chain import ACTIVE_APPLICATION_STATES, ROLE_OF_LEVEL, acting_level, ensure_owner
from selfhelp.care.services import actions_of
from selfhelp.courses.models import Application, Cohort, CohortLeader
from selfhelp.db import db
from selfhelp.measures.models import FlagState, OwnerLevel, RiskFlag


@dataclass
class FlagRow:
    flag: RiskFlag
    resident: User
    owner: str
    may_act: bool
    actions: list = field(default_factory=list)


def rows_for(actor: User, pairs: list[tuple[RiskFlag, User]], now: datetime) -> list[FlagRow]:
    for flag, _resident in pairs:
        ensure_owner(flag, now)
    flags = [f for f, _r in pairs]
    guides = {u.id: u for u in db.scalars(select(User).where(User.id.in_(
        {f.owner_user_id for f in flags if f.owner_user_id})))}
    cohorts = {c.id: c for c in db.scalars(select(Cohort).where(Cohort.id.in_(
        {f.owner_cohort_id for f in flags if f.owner_cohort_id})))}
    actions = actions_of([f.id for f in flags])
    return [FlagRow(flag=f, resident=r, owner=owner_text(f, guides, cohorts),
                    may_act=acting_level(actor, f, now) is not None, actions=actions.get(f.id, []))
            for f, r in pairs]


def owner_text(flag: RiskFlag, guides: dict[int, User], cohorts: dict[int, Cohort]) -> str:
    if flag.owner_level == OwnerLevel.GUIDE and flag.owner_user_id in guides:
        return _("Veileder: %(name)s", name=guides[flag.owner_user_id].shown_name)
    if flag.owner_level == OwnerLevel.COURSE_LEADER and flag.owner_cohort_id in cohorts:
        cohort = cohorts[flag.owner_cohort_id]
        names = ", ".join(sorted(leader.leader.shown_name for leader in cohort.leaders))
        return _("Kursledere for %(course)s: %(names)s", course=cohort.course_code, names=names)
    return _("Teamet i kommunen (administratorene)")


def open_flags_for_admin(admin: User, now: datetime) -> list[FlagRow]:
    """Every open flag and task in the admin's municipalities, oldest first."""
    pairs = db.execute(select(RiskFlag, User).join(User, User.id == RiskFlag.resident_id).where(
        RiskFlag.state == FlagState.OPEN,
        (RiskFlag.municipality_code.in_(sorted(admin.municipality_codes)))
        | (RiskFlag.municipality_code.is_(None)
           & User.municipality_code.in_(sorted(admin.municipality_codes))))
        .order_by(RiskFlag.raised_at, RiskFlag.id)).all()
    return rows_for(admin, [tuple(p) for p in pairs], now)


def open_flags_for_leader(leader: User, now: datetime, cohort_id: int | None = None) -> list[FlagRow]:
    """Open flags and tasks of people who applied to or take part in the leader's cohorts."""
    led = select(CohortLeader.cohort_id).where(CohortLeader.leader_id == leader.id)
    if cohort_id is not None:
        led = led.where(CohortLeader.cohort_id == cohort_id)
    people = select(Application.resident_id).where(Application.cohort_id.in_(led),
                                                   Application.state.in_(ACTIVE_APPLICATION_STATES))
    pairs = db.execute(select(RiskFlag, User).join(User, User.id == RiskFlag.resident_id).where(
        RiskFlag.state == FlagState.OPEN, RiskFlag.resident_id.in_(people))
        .order_by(RiskFlag.raised_at, RiskFlag.id)).all()
    return rows_for(leader, [tuple(p) for p in pairs], now)


def open_flags_for(actor: User, now: datetime) -> list[FlagRow]:
    """What the open-flags page shows this reader: an admin every flag in their municipalities,
    a course leader those of their cohorts' people."""
    if actor.has_role("admin"):
        rows = {r.flag.id: r for r in open_flags_for_admin(actor, now)}
    else:
        rows = {}
    if actor.has_role("course_leader"):
        for row in open_flags_for_leader(actor, now):
            rows.setdefault(row.flag.id, row)
    return sorted(rows.values(), key=lambda r: (r.flag.raised_at, r.flag.id))


# --- the care pages (each records the staff's view of the residents shown) -------------------------

def open_flags_page(actor: User, now: datetime) -> list[FlagRow]:
    """Åpne risikovarsler: what open_flags_for gives this reader, recorded as viewed."""
    rows = open_flags_for(actor, now)
    role = "admin" if actor.has_role("admin") else "course_leader"
    audit(actor, role, [r.resident.id for r in rows], "open_flags", "view", now)
    return rows


def reachable_flag(actor: User, flag_id: int, now: datetime) -> tuple[RiskFlag, OwnerLevel] | None:
    """The flag and the step of the chain `actor` may act at; None when they may not."""
    flag = db.get(RiskFlag, flag_id)
    level = acting_level(actor, flag, now) if flag is not None else None
    return (flag, level) if level is not None else None


def flag_page(actor: User, flag: RiskFlag, level: OwnerLevel, now: datetime) -> FlagRow:
    """One flag with its owner and history, recorded as viewed in the role of `level`."""
    resident = db.get(User, flag.resident_id)
    audit(actor, ROLE_OF_LEVEL[level], [flag.resident_id], "risk_flag", "view", now,
          record_id=flag.id)
    return rows_for(actor, [(flag, resident)], now)[0]
