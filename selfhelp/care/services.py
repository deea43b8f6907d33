"""Following flags and tasks up: acknowledge with an outcome and a note, escalate one step, and
intake triage that opens an "assessment needed" task in the same owner chain."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care.chain import ROLE_OF_LEVEL, Owner, acting_level, assign_owner, give_to, owner_for
from selfhelp.db import db
from selfhelp.measures.models import (
    FlagKind, FlagReason, FlagState, MeasureResult, Outcome, OwnerLevel, RiskFlag, RiskFlagAction,
)

#: Triage thresholds at intake (PRODUCT.md bands): severe depression or severe anxiety.
SEVERE = {"PHQ-9": 20, "GAD-7": 15}


class CareError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def acknowledge(actor: User, flag: RiskFlag, outcome: str, note: str, now: datetime) -> RiskFlagAction:
    """Record what was done. Called, met or referred closes the flag; "no contact reached" is
    kept on the record but the flag stays open with the same owner and escalation time: not
    reaching someone after a risk answer is not a follow-up, and the next step of the chain
    must know if nobody reaches them in time. Audited, in the role of the step acted at."""
    level = acting_level(actor, flag, now)
    if level is None:
        raise CareError("not_allowed")
    if flag.state != FlagState.OPEN:
        raise CareError("already_acknowledged")
    if outcome not in {o.value for o in Outcome}:
        raise CareError("outcome_missing")
    if not (note or "").strip():
        raise CareError("note_missing")
    action = RiskFlagAction(flag_id=flag.id, actor_id=actor.id, actor_level=level.value,
                            outcome=outcome, note=note.strip(), at=now)
    db.add(action)
    if outcome != Outcome.NO_CONTACT:
        flag.state, flag.acknowledged_by_id, flag.acknowledged_at = FlagState.ACKNOWLEDGED, actor.id, now
        flag.action_note, flag.outcome = note.strip(), outcome
    db.flush()
    audit(actor, ROLE_OF_LEVEL[level], [flag.resident_id], "risk_flag", "change", now,
          record_id=flag.id)
    return action


def actions_of(flag_ids: list[int]) -> dict[int, list[RiskFlagAction]]:
    out: dict[int, list[RiskFlagAction]] = {}
    if flag_ids:
        for action in db.scalars(select(RiskFlagAction).where(RiskFlagAction.flag_id.in_(flag_ids))
                                 .order_by(RiskFlagAction.at, RiskFlagAction.id)):
            out.setdefault(action.flag_id, []).append(action)
    return out


def escalate(flag: RiskFlag, now: datetime) -> Owner | None:
    """Move an open flag whose time is up one step up the chain. The conditional UPDATE claims
    it, so two schedulers never move it twice. Returns the new owner, or None if there was
    nothing to do (acknowledged meanwhile, already at team level, or someone else moved it)."""
    if flag.state != FlagState.OPEN or flag.owner_level in (None, OwnerLevel.TEAM) \
            or flag.escalation_due_at is None or flag.escalation_due_at > now:
        return None
    resident = db.get(User, flag.resident_id)
    owner = owner_for(resident, above=OwnerLevel(flag.owner_level))
    claimed = db.execute(update(RiskFlag).where(
        RiskFlag.id == flag.id, RiskFlag.state == FlagState.OPEN, RiskFlag.owner_level == flag.owner_level,
        RiskFlag.escalation_due_at == flag.escalation_due_at)
        .values(escalations=RiskFlag.escalations + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    db.refresh(flag)
    give_to(flag, owner, now)
    db.flush()
    return owner


# --- intake triage -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Triage:
    """What intake answers say: severe scores, a risk answer, and the task opened for staff."""

    severe: tuple[str, ...]
    risk: bool
    task: RiskFlag | None

    @property
    def needs_more_help(self) -> bool:
        return bool(self.severe or self.risk)


def severe_measures(results: list[MeasureResult]) -> tuple[str, ...]:
    return tuple(r.measure_code for r in results
                 if r.measure_code in SEVERE and r.score >= SEVERE[r.measure_code])


def triage(resident: User, result: MeasureResult, flags: list[RiskFlag], now: datetime) -> Triage:
    """Read an intake questionnaire as triage. Severe scores (PHQ-9 >= 20, GAD-7 >= 15) or a
    risk answer open one "assessment needed" task for this questionnaire; the person may still
    start. The risk flag itself is followed up as any other flag."""
    severe = severe_measures([result])
    risk = any(f.reason == FlagReason.SELF_HARM_ITEM for f in flags)
    if not (severe or risk):
        return Triage((), False, None)
    task = RiskFlag(resident_id=resident.id, result_id=result.id, kind=FlagKind.ASSESSMENT.value,
                    reason=FlagReason.INTAKE_SEVERE if severe else FlagReason.INTAKE_RISK, score=result.score,
                    item_value=None, raised_at=now, state=FlagState.OPEN)
    assign_owner(task, resident, now)
    db.add(task)
    db.flush()
    return Triage(severe, risk, task)


def _newest_open(resident: User, kind: FlagKind) -> RiskFlag | None:
    return db.scalar(select(RiskFlag).where(
        RiskFlag.resident_id == resident.id, RiskFlag.state == FlagState.OPEN, RiskFlag.kind == kind.value)
        .order_by(RiskFlag.raised_at.desc(), RiskFlag.id.desc()).limit(1))


def who_follows_up(resident: User) -> str:
    """The owner level of the person's newest open risk flag, for the crisis page to say
    truthfully who will be in touch (whoever the chain gives now when there is none)."""
    flag = _newest_open(resident, FlagKind.RISK)
    if flag is not None and flag.owner_level:
        return flag.owner_level
    return owner_for(resident).level.value


def open_task_of(resident: User) -> RiskFlag | None:
    """The person's open "assessment needed" task, if any."""
    return _newest_open(resident, FlagKind.ASSESSMENT)
