"""The guide's caseload and queue, read in a fixed number of queries whatever the caseload size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.checkins.access import visible_assignments
from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.clock import local
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.pathway.review import ReviewItem, program_reviews
from selfhelp.programs.models import Enrolment
from selfhelp.programs.schedule import module_states


@dataclass
class CaseRow:
    assignment: GuideAssignment
    enrolment: Enrolment
    resident: User
    program_title: dict
    current_module: str
    done: int
    total: int
    #: measure code -> (latest score, previous score or None)
    scores: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    checkin: Checkin | None = None
    next_checkin_on: object = None
    #: True when the guide sees this resident as cover for an absent colleague.
    covering: bool = False
    #: An open stepped-care review ("Vurder planen"), see pathway/review.py.
    review: ReviewItem | None = None


def caseload(guide: User, now: datetime) -> list[CaseRow]:
    today = local(now).date()
    programs = get_catalogue().programs
    rows = db.execute(visible_assignments(guide, today).add_columns(Enrolment, User)
                      .join(Enrolment, Enrolment.id == GuideAssignment.enrolment_id)
                      .join(User, User.id == GuideAssignment.resident_id)
                      .order_by(User.name)).all()
    resident_ids = [user.id for _a, _e, user in rows]
    enrolment_ids = [e.id for _a, e, _u in rows]
    flags: dict[int, list] = {}
    for flag in db.scalars(select(RiskFlag).where(RiskFlag.resident_id.in_(resident_ids),
                                                 RiskFlag.state == "open").order_by(RiskFlag.raised_at)):
        flags.setdefault(flag.resident_id, []).append(flag)
    checkins = {c.enrolment_id: c for c in db.scalars(select(Checkin).where(
        Checkin.enrolment_id.in_(enrolment_ids), Checkin.state == "submitted"))}
    scores = _latest_scores(resident_ids)
    reviews = program_reviews([e for _a, e, _u in rows], today)
    out = []
    for assignment, enrolment, resident in rows:
        program = programs.get(enrolment.program_slug)
        if program is None:
            continue
        states = module_states(program, enrolment, today)
        current = next((s.module for s in states if s.module.slug == enrolment.current_module), states[0].module)
        weeks_in = (today - enrolment.start_date).days // 7
        row = CaseRow(assignment=assignment, enrolment=enrolment, resident=resident,
                      program_title=program.title, current_module=current.text("nb").title,
                      done=sum(1 for s in states if s.state == "done"), total=len(states),
                      scores=scores.get(resident.id, {}), flags=flags.get(resident.id, []),
                      checkin=checkins.get(enrolment.id),
                      next_checkin_on=enrolment.start_date + timedelta(weeks=weeks_in + 1),
                      covering=assignment.guide_id != guide.id, review=reviews.get(enrolment.id))
        out.append(row)
    return out


def _latest_scores(resident_ids: list[int]) -> dict[int, dict[str, tuple[int, int | None]]]:
    """Each resident's latest and previous score per measure, with a window function."""
    rank = func.row_number().over(partition_by=(MeasureResult.resident_id, MeasureResult.measure_code),
                                  order_by=(MeasureResult.answered_at.desc(), MeasureResult.id.desc()))
    ranked = select(MeasureResult.resident_id, MeasureResult.measure_code, MeasureResult.score,
                    rank.label("rank")).where(MeasureResult.resident_id.in_(resident_ids)).subquery()
    out: dict[int, dict[str, list]] = {}
    for resident_id, code, score, position in db.execute(
            select(ranked).where(ranked.c.rank <= 2).order_by(ranked.c.rank)):
        out.setdefault(resident_id, {}).setdefault(code, []).append(score)
    return {r: {c: (v[0], v[1] if len(v) > 1 else None) for c, v in m.items()} for r, m in out.items()}


def queue(guide: User, now: datetime) -> list[CaseRow]:
    """What needs the guide now: risk flags first, then overdue feedback, then due soonest, then
    plans to review."""
    far = datetime.max.replace(tzinfo=now.tzinfo)
    waiting = [row for row in caseload(guide, now)
               if row.flags or row.checkin is not None or row.review is not None]

    def order(row: CaseRow):
        due = row.checkin.feedback_due_at if row.checkin and row.checkin.feedback_due_at else far
        return (0 if row.flags else 1, 0 if due < now else 1, due, row.resident.name)

    return sorted(waiting, key=order)
