"""What the guide's and the admin's pages show, in a fixed number of queries whatever the
caseload size: the queue and caseload, the one-page check-in screen, the switch page and the
admin's guide assignments. The page functions (`show_*`, `screen_context`, `switch_page`,
`assignments_page`) record the staff member's view in the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.care.forms import follow_up_form
from selfhelp.checkins import forms, services
from selfhelp.checkins.access import visible_assignments
from selfhelp.checkins.models import Checkin, GuideAbsence, GuideAssignment, Message, Snippet
from selfhelp.clock import local
from selfhelp.content import get_catalogue
from selfhelp.content.model import Module, Program
from selfhelp.db import db
from selfhelp.i18n import current_locale
from selfhelp.measures.charts import charts_for
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.measures.services import results_of
from selfhelp.pathway.review import ReviewItem, program_reviews
from selfhelp.programs.display import display_value
from selfhelp.programs.models import Enrolment, WorksheetAnswer
from selfhelp.programs.schedule import SwitchPlan, module_states, plan_switch


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
                      program_title=program.title, current_module=current.text(current_locale()).title,
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


def show_queue(guide: User, now: datetime) -> list[CaseRow]:
    """The queue page: `queue`, with the guide's view recorded."""
    rows = queue(guide, now)
    audit(guide, "guide", [r.resident.id for r in rows], "guide_queue", "view", now)
    return rows


def show_caseload(guide: User, now: datetime) -> list[CaseRow]:
    """The caseload page: `caseload`, with the guide's view recorded."""
    rows = caseload(guide, now)
    audit(guide, "guide", [r.resident.id for r in rows], "caseload", "view", now)
    return rows


# --- lists ------------------------------------------------------------------------------------

def absences_of_any(guide_ids: list[int]) -> list[GuideAbsence]:
    return list(db.scalars(select(GuideAbsence).where(GuideAbsence.guide_id.in_(guide_ids))
                           .order_by(GuideAbsence.starts_on.desc())))


def thread(resident_id: int) -> list[Message]:
    return list(db.scalars(select(Message).where(Message.resident_id == resident_id)
                           .order_by(Message.created_at, Message.id)))


def snippets_for(guide: User) -> list[Snippet]:
    """The guide's own snippets and those shared in the municipalities they serve."""
    shared_here = Snippet.owner_id.is_(None) & Snippet.municipality_code.in_(sorted(guide.municipality_codes))
    return list(db.scalars(select(Snippet).where((Snippet.owner_id == guide.id) | shared_here)
                           .order_by(Snippet.owner_id.is_(None), Snippet.title)))


# --- one resident -------------------------------------------------------------------------------

@dataclass
class Case:
    resident: User
    assignment: GuideAssignment
    enrolment: Enrolment
    program: Program


def case_of(guide: User, resident_id: int, today: date) -> Case | None:
    """A resident this guide works with (own or covered); None for anyone else."""
    row = db.execute(visible_assignments(guide, today)
                     .where(GuideAssignment.resident_id == resident_id)
                     .add_columns(Enrolment).join(Enrolment, Enrolment.id == GuideAssignment.enrolment_id)
                     .limit(1)).first()
    if row is None:
        return None
    assignment, enrolment = row
    program = get_catalogue().programs.get(enrolment.program_slug)
    if program is None:
        return None
    return Case(db.get(User, resident_id), assignment, enrolment, program)


def screen_context(guide: User, resident: User, enrolment: Enrolment, program: Program,
                   now: datetime) -> dict:
    """Everything the one-page check-in screen shows; the guide's view is recorded."""
    locale = current_locale()
    checkins = list(db.scalars(select(Checkin).where(Checkin.enrolment_id == enrolment.id)
                               .order_by(Checkin.week.desc())))
    checkin = next((c for c in checkins if c.state == "submitted"), None)
    last_closed = next((c.closed_at for c in checkins if c.state == "closed"), None)
    answers = db.scalars(select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id == enrolment.id)
                         .order_by(WorksheetAnswer.updated_at.desc())).all()
    worksheets = []
    for answer in answers:
        if last_closed is not None and answer.updated_at <= last_closed:
            continue
        module = program.module(answer.module_slug)
        exercise = module.text(locale).exercise(answer.exercise_key) if module else None
        if exercise is not None:
            worksheets.append({"answer": answer, "module": module, "exercise": exercise,
                               "show": _shower(module, locale, answer.exercise_key)})
    feedback_form = forms.FeedbackForm()
    draft = services.draft_for(guide, checkin, now) if checkin else None
    if draft is not None:
        feedback_form.body.data = draft.body
        feedback_form.minutes.data = services.minutes_spent(draft)
    snippets = snippets_for(guide)
    feedback_form.snippet.choices = [(str(s.id), s.title) for s in snippets]
    action_form = forms.ProgramActionForm()
    action_form.measure.choices = [(code, code) for code in get_measures()]
    flags = list(db.scalars(select(RiskFlag).where(RiskFlag.resident_id == resident.id)
                            .order_by(RiskFlag.state.desc(), RiskFlag.raised_at.desc())))
    audit(guide, "guide", [resident.id], "checkin_screen", "view", now,
          record_id=checkin.id if checkin else None)
    return {
        "checkin": checkin, "checkins": checkins, "draft": draft, "worksheets": worksheets,
        "states": module_states(program, enrolment, local(now).date()),
        "charts": charts_for(results_of(resident, f"program:{program.slug}"), locale),
        "thread": thread(resident.id),
        "flags": flags,
        # The guide follows up what they own; once escalated it is the leaders' or the team's.
        "ack_forms": {f.id: follow_up_form(f.id, formdata=None) for f in flags
                      if f.state == "open" and f.owner_level in (None, "guide")},
        "feedback_form": feedback_form, "message_form": forms.MessageForm(),
        "action_form": action_form, "snippets": snippets,
        "review": program_reviews([enrolment], local(now).date()).get(enrolment.id),
    }


def _shower(module, locale, exercise_key):
    return lambda field, column, value: display_value(module, locale, exercise_key, field, column, value)


def switch_page(guide: User, case: Case, action: str | None, now: datetime) -> SwitchPlan | None:
    """The switch page: what `action` will do to the resident's program (None when no action is
    chosen yet); the view is recorded."""
    audit(guide, "guide", [case.resident.id], "program", "view", now, record_id=case.enrolment.id)
    if action is None:
        return None
    return plan_switch(case.program, case.enrolment, action, local(now).date())


# --- the admin's guide assignments --------------------------------------------------------------

#: What the admin's guide-assignment page can show: everyone, those waiting for a guide, or
#: those with an open risk flag.
ASSIGNMENT_SHOWS = ("all", "waiting", "risk")


@dataclass(frozen=True)
class AssignmentFilter:
    #: part of the resident's name or email (case does not matter)
    text: str = ""
    show: str = "all"
    guide_id: int | None = None
    program_slug: str | None = None


@dataclass
class AssignmentRow:
    enrolment: Enrolment
    resident: User
    #: the current assignment; None while the resident waits for a guide
    assignment: GuideAssignment | None
    #: open risk flags of the resident
    open_flags: int
    #: the proposed guide's id for someone waiting (services.proposed_guides), else None
    proposal: int | None


@dataclass
class AssignmentsPage:
    #: the rows the filter lets through: waiting first (longest first), then open risk, then by start
    rows: list[AssignmentRow]
    #: all guided enrolments of the admin's municipalities, and how many of them wait for a guide
    total: int
    waiting: int
    guides: list[User]
    #: guide id -> active caseload size
    sizes: dict[int, int]


def _wanted(row: AssignmentRow, wanted: AssignmentFilter) -> bool:
    text = wanted.text.strip().lower()
    return ((not text or text in row.resident.name.lower() or text in (row.resident.email or "").lower())
            and (wanted.show != "waiting" or row.assignment is None)
            and (wanted.show != "risk" or row.open_flags > 0)
            and (wanted.guide_id is None or (row.assignment is not None
                                             and row.assignment.guide_id == wanted.guide_id))
            and (wanted.program_slug is None or row.enrolment.program_slug == wanted.program_slug))


def guided_enrolments(admin: User) -> list:
    """(enrolment, resident) of guided programs not finished, in the admin's municipalities."""
    guided = [slug for slug, p in get_catalogue().programs.items() if p.guided]
    return db.execute(select(Enrolment, User).join(User, User.id == Enrolment.resident_id)
                      .where(Enrolment.program_slug.in_(guided), Enrolment.state != "finished",
                             User.municipality_code.in_(sorted(admin.municipality_codes)))
                      .order_by(Enrolment.started_at)).all()


def assignments_page(admin: User, now: datetime, wanted: AssignmentFilter = AssignmentFilter(),
                     guides: list[User] | None = None) -> AssignmentsPage:
    """Who guides whom, caseload sizes, open risk flags, and a proposal for each enrolment without
    a guide, filtered as the admin asks; the view of the residents shown is recorded. `guides`:
    the admin's guides (services.guides_for_any) when the caller already has them."""
    enrolments = guided_enrolments(admin)
    current = {a.enrolment_id: a for a in db.scalars(select(GuideAssignment).where(
        GuideAssignment.enrolment_id.in_([e.id for e, _u in enrolments]), GuideAssignment.ended_at.is_(None)))}
    flags = dict(db.execute(select(RiskFlag.resident_id, func.count()).where(
        RiskFlag.resident_id.in_({u.id for _e, u in enrolments}), RiskFlag.state == "open")
        .group_by(RiskFlag.resident_id)).all())
    guides = guides if guides is not None else services.guides_for_any(admin.municipality_codes)
    sizes = services.caseload_sizes([g.id for g in guides])
    unassigned = [(e, u) for e, u in enrolments if e.id not in current]
    proposed = services.proposed_guides([u for _e, u in unassigned])
    everyone = [AssignmentRow(e, u, current.get(e.id), flags.get(u.id, 0),
                              proposed[u.id].id if e.id not in current and proposed[u.id] is not None else None)
                for e, u in enrolments]
    rows = sorted((r for r in everyone if _wanted(r, wanted)),
                  key=lambda r: (r.assignment is not None, r.open_flags == 0, r.enrolment.started_at))
    audit(admin, "admin", [r.resident.id for r in rows], "guide_assignments", "view", now)
    return AssignmentsPage(rows, len(everyone), len(unassigned), guides, sizes)
