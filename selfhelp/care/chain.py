"""The owner chain: who owns a risk flag or an assessment task, and who may act on it.

The rule, lowest step first (README, "Risikovarsler og vurdering"):
1. guide — the resident's current guide (their cover acts for them during an absence);
2. course_leader — else the leaders of the cohort the person most recently applied to or takes
   part in (application received, at pre-talk, waitlisted or admitted; cohort not cancelled or
   finished);
3. team — else the admins of the resident's municipality (of the cohort's when the resident has
   none).
An owner or anyone above them in the chain may acknowledge; an admin is above everyone, but only
in the municipalities they serve. Escalation moves one step up and never past the team.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from selfhelp.accounts.models import Role, StaffMunicipality, User, UserRole
from selfhelp.checkins.access import may_see, on_duty
from selfhelp.checkins.models import GuideAssignment
from selfhelp.clock import local
from selfhelp.courses.models import ACTIVE_APPLICATION_STATES, Application, Cohort, CohortState
from selfhelp.db import db
from selfhelp.measures.models import FlagKind, OwnerLevel, RiskFlag
from selfhelp.clock import escalation_due, feedback_due, next_working_morning

#: Cohorts whose leaders still follow their people up (open applications tie a person to them).
ACTIVE_COHORT_STATES = (CohortState.PUBLISHED, CohortState.DRAFT)
RANK = {OwnerLevel.GUIDE: 0, OwnerLevel.COURSE_LEADER: 1, OwnerLevel.TEAM: 2}
#: The role staff act in at each step (for the audit log).
ROLE_OF_LEVEL = {OwnerLevel.GUIDE: "guide", OwnerLevel.COURSE_LEADER: "course_leader",
                 OwnerLevel.TEAM: "admin"}


@dataclass(frozen=True)
class Owner:
    level: OwnerLevel
    user_id: int | None = None
    cohort_id: int | None = None
    municipality_code: str | None = None


def current_guide_id(resident_id: int) -> int | None:
    return db.scalar(select(GuideAssignment.guide_id).where(
        GuideAssignment.resident_id == resident_id, GuideAssignment.ended_at.is_(None))
        .order_by(GuideAssignment.assigned_at.desc(), GuideAssignment.id.desc()).limit(1))


def current_cohort(resident_id: int) -> Cohort | None:
    """The cohort of the person's most recent active application or participation."""
    return db.scalar(select(Cohort).join(Application, Application.cohort_id == Cohort.id).where(
        Application.resident_id == resident_id, Application.state.in_(ACTIVE_APPLICATION_STATES),
        Cohort.state.in_(ACTIVE_COHORT_STATES))
        .order_by(Application.applied_at.desc(), Application.id.desc()).limit(1))


def owner_for(resident: User, above: OwnerLevel | None = None) -> Owner:
    """The first step of the chain that has someone, strictly above `above` when given."""
    start = -1 if above is None else RANK[OwnerLevel(above)]
    cohort = current_cohort(resident.id)
    municipality = resident.municipality_code or (cohort.municipality_code if cohort else None)
    if start < RANK[OwnerLevel.GUIDE]:
        guide_id = current_guide_id(resident.id)
        if guide_id is not None:
            return Owner(OwnerLevel.GUIDE, user_id=guide_id, municipality_code=municipality)
    if start < RANK[OwnerLevel.COURSE_LEADER] and cohort is not None and cohort.leaders:
        return Owner(OwnerLevel.COURSE_LEADER, cohort_id=cohort.id, municipality_code=municipality)
    return Owner(OwnerLevel.TEAM, municipality_code=municipality)


def next_due(flag: RiskFlag, level: OwnerLevel, now: datetime) -> datetime | None:
    """When the owner's time is up. A risk flag gets one working hour (or until the next working
    morning); an assessment task until the end of the next working day. At team level there is
    no next step: this is when the admins are reminded, every working morning (care.notices)."""
    if level == OwnerLevel.TEAM:
        return next_working_morning(now)
    if flag.kind == FlagKind.ASSESSMENT:
        return feedback_due(now, 1)
    return escalation_due(now)


def give_to(flag: RiskFlag, owner: Owner, now: datetime) -> None:
    flag.owner_level, flag.owner_user_id = owner.level.value, owner.user_id
    flag.owner_cohort_id, flag.municipality_code = owner.cohort_id, owner.municipality_code
    flag.owner_since = now
    flag.escalation_due_at = next_due(flag, owner.level, now)
    if flag.first_owner_level is None:
        flag.first_owner_level = owner.level.value


def assign_owner(flag: RiskFlag, resident: User, now: datetime) -> None:
    """Give a new flag (or task) its first owner."""
    give_to(flag, owner_for(resident), now)


def ensure_owner(flag: RiskFlag, now: datetime) -> None:
    """Flags from before the owner chain get one the first time anybody looks."""
    if flag.owner_level is None:
        resident = db.get(User, flag.resident_id)
        owner = owner_for(resident)
        give_to(flag, owner, flag.owner_since or now)
        flag.escalation_due_at = next_due(flag, owner.level, flag.raised_at) or flag.escalation_due_at
        db.flush()


def acting_level(actor: User, flag: RiskFlag, now: datetime) -> OwnerLevel | None:
    """The highest step of the chain `actor` holds for this flag, if they may act on it at all:
    the owner, or anyone above the owner, within the municipalities they serve."""
    ensure_owner(flag, now)
    level = OwnerLevel(flag.owner_level)
    if actor.has_role("admin") and flag.municipality_code in actor.municipality_codes:
        return OwnerLevel.TEAM
    if actor.has_role("course_leader") and RANK[level] <= RANK[OwnerLevel.COURSE_LEADER]:
        cohort = db.get(Cohort, flag.owner_cohort_id) if flag.owner_cohort_id else \
            current_cohort(flag.resident_id)
        if cohort is not None and actor.id in cohort.leader_ids \
                and cohort.municipality_code in actor.municipality_codes:
            return OwnerLevel.COURSE_LEADER
    if actor.has_role("guide") and level == OwnerLevel.GUIDE \
            and may_see(actor, flag.resident_id, local(now).date()):
        return OwnerLevel.GUIDE
    return None


def admins_of(codes: set[str]) -> dict[str, list[int]]:
    """Active admins per municipality."""
    if not codes:
        return {}
    rows = db.execute(select(StaffMunicipality.municipality_code, User.id)
                      .join(User, User.id == StaffMunicipality.user_id)
                      .join(UserRole, UserRole.user_id == User.id)
                      .where(UserRole.role == Role.ADMIN, User.active.is_(True),
                             StaffMunicipality.municipality_code.in_(codes)))
    found: dict[str, list[int]] = {}
    for code, user_id in rows:
        found.setdefault(code, []).append(user_id)
    return found


def recipients(flags: list[RiskFlag], now: datetime) -> dict[int, list[int]]:
    """flag id -> who must hear about it now: the guide on duty, the cohort's leaders or the
    municipality's admins."""
    admins = admins_of({f.municipality_code for f in flags
                        if f.owner_level == OwnerLevel.TEAM and f.municipality_code})
    duty = on_duty({f.owner_user_id for f in flags if f.owner_level == OwnerLevel.GUIDE
                    and f.owner_user_id}, local(now).date())
    cohorts = {c.id: c for c in db.scalars(select(Cohort).where(Cohort.id.in_(
        {f.owner_cohort_id for f in flags if f.owner_cohort_id})))}
    out = {}
    for f in flags:
        if f.owner_level == OwnerLevel.GUIDE and f.owner_user_id:
            out[f.id] = [duty[f.owner_user_id]]
        elif f.owner_level == OwnerLevel.COURSE_LEADER and f.owner_cohort_id in cohorts:
            out[f.id] = sorted(cohorts[f.owner_cohort_id].leader_ids)
        else:
            out[f.id] = admins.get(f.municipality_code or "", [])
    return out
