"""The guide's weekly loop: assignment, check-ins, feedback, messages, risk follow-up, absence."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from markdown_it import MarkdownIt
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from selfhelp.accounts.models import StaffMunicipality, User, UserRole
from selfhelp.audit.services import record as audit
from selfhelp.care import services as care
from selfhelp.checkins.access import current_assignment, on_duty
from selfhelp.checkins.models import (
    Checkin, CheckinState, FeedbackDraft, GuideAbsence, GuideAssignment, GuideSettings, Message,
    MessageKind, Snippet,
)
from selfhelp.clock import local
from selfhelp.db import db
from selfhelp.measures.models import RiskFlag
from selfhelp.notifications.services import enqueue
from selfhelp.programs.models import Enrolment, EnrolmentState
from selfhelp.sanitize import clean_html, text_to_html
from selfhelp.clock import feedback_due
from selfhelp.content.model import Module, Program
from selfhelp.measures.definitions import measure_name
from selfhelp.programs import services as programs
from selfhelp import dates
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from selfhelp.accounts.models import Role

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


class CheckinError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- assignment ---------------------------------------------------------------------------------

def guides_for_any(municipality_codes) -> list[User]:
    return list(db.scalars(select(User).join(UserRole).where(UserRole.role == Role.GUIDE,
                                                            User.active.is_(True))
                           .join(StaffMunicipality)
                           .where(StaffMunicipality.municipality_code.in_(list(municipality_codes)))
                           .distinct().order_by(User.name)))


def guides_for(municipality_code: str) -> list[User]:
    return guides_for_any([municipality_code])


def caseload_sizes(guide_ids: list[int]) -> dict[int, int]:
    rows = db.execute(select(GuideAssignment.guide_id, func.count()).where(
        GuideAssignment.guide_id.in_(guide_ids), GuideAssignment.ended_at.is_(None))
        .group_by(GuideAssignment.guide_id))
    return {guide_id: 0 for guide_id in guide_ids} | dict(rows.all())


def proposed_guide(resident: User) -> User | None:
    """The guide with the smallest active caseload among those serving the resident's municipality."""
    return proposed_guides([resident])[resident.id]


def proposed_guides(residents: list[User]) -> dict[int, User | None]:
    """`proposed_guide` for many residents in two queries: resident id -> guide (None when no
    guide serves their municipality). Ties go to the name first in the alphabet."""
    guides = guides_for_any({r.municipality_code or "" for r in residents})
    sizes = caseload_sizes([g.id for g in guides])
    proposals = {}
    for resident in residents:
        serving = [g for g in guides if (resident.municipality_code or "") in g.municipality_codes]
        proposals[resident.id] = min(serving, key=lambda g: (sizes[g.id], g.name)) if serving else None
    return proposals


def assign_guide(actor: User, enrolment: Enrolment, guide: User, now: datetime) -> GuideAssignment:
    """An admin gives the enrolment a guide; an earlier assignment is ended, never deleted."""
    if not guide.has_role("guide"):
        raise CheckinError("not_a_guide")
    audit(actor, "admin", [enrolment.resident_id], "guide_assignment", "change", now,
          record_id=enrolment.id)
    current = current_assignment(enrolment.id)
    if current is not None:
        if current.guide_id == guide.id:
            return current
        current.ended_at = now
    assignment = GuideAssignment(enrolment_id=enrolment.id, resident_id=enrolment.resident_id,
                                 guide_id=guide.id, assigned_by_id=actor.id, assigned_at=now)
    db.add(assignment)
    db.flush()
    return assignment


def add_absence(actor: User, guide: User, cover: User, starts_on: date, ends_on: date,
                now: datetime) -> GuideAbsence:
    if ends_on < starts_on:
        raise CheckinError("dates")
    if cover.id == guide.id or not cover.has_role("guide"):
        raise CheckinError("cover")
    # The cover sees the absent guide's residents: they must be a guide in every municipality
    # the absent guide serves, never someone from outside (municipalities are separate).
    if not guide.municipality_codes or not guide.municipality_codes <= cover.municipality_codes:
        raise CheckinError("cover_municipality")
    absence = GuideAbsence(guide_id=guide.id, cover_id=cover.id, starts_on=starts_on, ends_on=ends_on,
                           created_by_id=actor.id, created_at=now)
    db.add(absence)
    db.flush()
    return absence


# --- the weekly check-in -------------------------------------------------------------------------

def feedback_due_days(municipality_code: str | None) -> int:
    setting = db.get(GuideSettings, municipality_code or "")
    return setting.feedback_due_days if setting else 2


def week_of(start: date, today: date) -> int:
    """The check-in week on `today` of a program started on `start` (0 before the first)."""
    return (today - start).days // 7


def current_checkin(enrolment: Enrolment, today: date) -> Checkin | None:
    """This week's check-in, opened on the program's start weekday; created when first needed.
    An older one never sent is left as it was: the resident answers the current week."""
    week = week_of(enrolment.start_date, today)
    if week < 1 or enrolment.state != EnrolmentState.ACTIVE:
        return None
    checkin = db.scalar(select(Checkin).where(Checkin.enrolment_id == enrolment.id, Checkin.week == week))
    if checkin is None:
        checkin = Checkin(enrolment_id=enrolment.id, resident_id=enrolment.resident_id, week=week,
                          opens_on=enrolment.start_date + timedelta(weeks=week), state=CheckinState.OPEN)
        db.add(checkin)
        db.flush()
    return checkin


def submit_checkin(resident: User, checkin: Checkin, how_it_went: str, now: datetime) -> None:
    """Send the week's check-in: one conditional change from open to submitted, so a double
    click (even two requests at once) sends it once."""
    if checkin.resident_id != resident.id or checkin.state != CheckinState.OPEN:
        raise CheckinError("not_open")
    due = feedback_due(now, feedback_due_days(resident.municipality_code))
    changed = db.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.state == CheckinState.OPEN)
                         .values(how_it_went=how_it_went.strip(), state=CheckinState.SUBMITTED,
                                 submitted_at=now, feedback_due_at=due)
                         .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise CheckinError("not_open")
    db.refresh(checkin)
    assignment = current_assignment(checkin.enrolment_id)
    if assignment is not None:
        guide_id = on_duty({assignment.guide_id}, local(now).date())[assignment.guide_id]
        enqueue(guide_id, "checkin_waiting", f"checkin:{checkin.id}", now, now,
                {"checkin_id": checkin.id})


#: A longer stretch without the check-in open (no page view, no saved draft) is time away: the
#: minutes spent count the visits, not the days between them.
VISIT_GAP = timedelta(minutes=30)


def draft_for(guide: User, checkin: Checkin, now: datetime) -> FeedbackDraft:
    """The draft for this check-in, started when a guide first opens it. Every view and save
    is activity: `updated_at` is the last one, and `started_at` moves forward by each gap
    longer than VISIT_GAP, so `updated_at - started_at` is the time spent in the visits."""
    draft = db.scalar(select(FeedbackDraft).where(FeedbackDraft.checkin_id == checkin.id))
    if draft is None:
        draft = FeedbackDraft(checkin_id=checkin.id, guide_id=guide.id, body="", started_at=now,
                              updated_at=now)
        db.add(draft)
        db.flush()
        return draft
    away = now - draft.updated_at
    if away > VISIT_GAP:
        draft.started_at += away
    draft.updated_at = max(draft.updated_at, now)
    return draft


def minutes_spent(draft: FeedbackDraft) -> int:
    """The minutes to suggest: the time in this visit and the earlier ones (1 to 60)."""
    return max(1, min(60, round((draft.updated_at - draft.started_at).total_seconds() / 60)))


def save_draft(guide: User, checkin: Checkin, body: str, now: datetime) -> FeedbackDraft:
    draft = draft_for(guide, checkin, now)
    draft.body = body
    return draft


def render_feedback(text: str) -> str:
    """The editor's light formatting (paragraphs, **bold**, *italic*, lists, links) to clean HTML."""
    return str(clean_html(_markdown.render(text or "")))


def publish_feedback(guide: User, checkin: Checkin, body_text: str, minutes: int,
                     now: datetime) -> Message:
    """Send the feedback: it closes the check-in and tells the resident (no health details)."""
    if checkin.state != CheckinState.SUBMITTED:
        raise CheckinError("not_submitted")
    body = render_feedback(body_text)
    if not body.strip():
        raise CheckinError("empty")
    # One conditional state change: of two "publish" clicks at once, only one closes the
    # check-in; the other finds it closed and sends nothing.
    closed = db.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.state == CheckinState.SUBMITTED)
                        .values(state=CheckinState.CLOSED, closed_at=now, closed_by_id=guide.id,
                                minutes_spent=max(0, min(minutes, 600)))
                        .execution_options(synchronize_session=False)).rowcount
    if closed != 1:
        raise CheckinError("not_submitted")
    db.refresh(checkin)
    message = Message(resident_id=checkin.resident_id, author_id=guide.id, kind=MessageKind.FEEDBACK,
                      checkin_id=checkin.id, body_html=body, created_at=now)
    db.add(message)
    db.execute(update(FeedbackDraft).where(FeedbackDraft.checkin_id == checkin.id)
               .values(body="", updated_at=now).execution_options(synchronize_session=False))
    db.flush()
    enqueue(checkin.resident_id, "new_message", f"message:{message.id}", now, now, {})
    audit(guide, "guide", [checkin.resident_id], "feedback", "create", now, record_id=checkin.id)
    return message


def _sent_with(author: User, nonce: str | None) -> Message | None:
    if not nonce:
        return None
    return db.scalar(select(Message).where(Message.author_id == author.id,
                                           Message.form_nonce == nonce))


def post_message(author: User, resident: User, text_or_html: str, now: datetime,
                 nonce: str | None = None) -> Message:
    """A message in the resident's thread. Residents write plain text; guides use the editor
    (and their message is in the audit log).

    `nonce` comes from the form (MessageForm.nonce): the same form posted twice (a double
    click) is one message — the second post returns the first message.
    """
    message = _post(author, resident, text_or_html, now, nonce)
    if author.id != resident.id:
        audit(author, "guide", [resident.id], "message", "create", now)
    return message


def _post(author: User, resident: User, text_or_html: str, now: datetime, nonce: str | None) -> Message:
    body = text_to_html(text_or_html) if author.id == resident.id else render_feedback(text_or_html)
    if not str(body).strip():
        raise CheckinError("empty")
    nonce = nonce if nonce and len(nonce) <= 32 and nonce.isalnum() else None
    earlier = _sent_with(author, nonce)
    if earlier is not None:
        return earlier
    message = Message(resident_id=resident.id, author_id=author.id, kind=MessageKind.MESSAGE,
                      body_html=str(body), created_at=now, form_nonce=nonce)
    try:
        with db.begin_nested():  # two posts at once: the unique (author, nonce) keeps one
            db.add(message)
            db.flush()
    except IntegrityError:
        earlier = _sent_with(author, nonce)
        if earlier is None:
            raise
        return earlier
    if author.id != resident.id:
        enqueue(resident.id, "new_message", f"message:{message.id}", now, now, {})
    return message


# --- the guide's program switches, told to the resident ----------------------------------------

#: What the resident reads in their thread after each switch (in their own language), before the
#: guide's reason.
SWITCH_TOLD = {
    "unlock": _l("Jeg har åpnet modulen «%(module)s» for deg nå, før den planlagte datoen."),
    "pause": _l("Jeg har satt programmet ditt på pause fra %(today)s. Ingen nye moduler åpnes og du "
                "får ingen påminnelser mens pausen varer. Når programmet fortsetter, flyttes "
                "datoene for de neste modulene like mange dager som pausen varte."),
    # "resume" is said with ngettext (one day, several days): see _told_resume.
    "extend": _l("Jeg har forlenget programmet ditt med to uker. Det varer nå til %(end)s."),
    "questionnaire": _l("Jeg ber deg fylle ut et ekstra spørreskjema: %(measure)s. Du finner det på "
                        "din side."),
}


def switch_program(guide: User, resident: User, enrolment: Enrolment, program: Program,
                   action: str, reason: str, expected: str, now: datetime,
                   measure_code: str | None = None) -> Module | None:
    """Do the switch the guide confirmed on its page (`expected` is that page's plan, see
    programs.schedule.plan_switch) and tell the resident in their thread what changed and why.
    Raises CheckinError("reason_missing") without a reason, ProgramError("changed") when the
    program changed since the page was shown."""
    reason = (reason or "").strip()
    if not reason:
        raise CheckinError("reason_missing")
    today = local(now).date()
    plan = programs.plan_switch(program, enrolment, action, today)
    opened = programs.switch_program(guide, enrolment, program, action, now, measure_code,
                                     expected=expected)
    with force_locale(resident.locale or "nb"):
        told = _told_resume(plan.pause_days) if action == "resume" else str(SWITCH_TOLD[action] % {
            "module": opened.text(resident.locale or "nb").title if opened else "",
            "today": dates.day(today),
            "end": dates.day(plan.end_after) if plan.end_after else "",
            "measure": measure_name(measure_code or "")})
    post_message(guide, resident, f"{markdown_escape(told)}\n\n{reason}", now)
    return opened


def _told_resume(days: int) -> str:
    return ngettext("Programmet ditt går videre fra i dag. Pausen varte %(num)d dag, så de neste "
                    "modulene åpner én dag senere enn planlagt.",
                    "Programmet ditt går videre fra i dag. Pausen varte %(num)d dager, så de neste "
                    "modulene åpner like mange dager senere enn planlagt.", days)


def markdown_escape(text: str) -> str:
    """Our own sentence as literal text in the guide's markdown (a title with * or _ stays text)."""
    return "".join("\\" + c if c in "\\`*_[]<>#" else c for c in text)


def acknowledge_flag(guide: User, flag: RiskFlag, outcome: str, note: str, now: datetime) -> None:
    """The guide's follow-up of a risk flag (care.services.acknowledge), in the audit log."""
    care.acknowledge(guide, flag, outcome, note, now)
    audit(guide, "guide", [flag.resident_id], "risk_flag", "change", now, record_id=flag.id)


def mark_read(reader: User, resident_id: int, now: datetime) -> None:
    """Read receipts: the resident reads the staff's messages; staff read the resident's."""
    mine = Message.author_id == resident_id
    condition = ~mine if reader.id == resident_id else mine
    db.execute(update(Message).where(Message.resident_id == resident_id, condition,
                                     Message.read_at.is_(None))
               .values(read_at=now).execution_options(synchronize_session=False))


# --- settings -----------------------------------------------------------------------------------

def set_feedback_due_days(admin: User, municipality_codes, days: int) -> None:
    """How many working days guides have to answer a check-in, in each of the municipalities."""
    existing = {s.municipality_code: s for s in db.scalars(
        select(GuideSettings).where(GuideSettings.municipality_code.in_(sorted(municipality_codes))))}
    for code in sorted(municipality_codes):
        setting = existing.get(code) or GuideSettings(municipality_code=code)
        setting.feedback_due_days = days
        db.add(setting)
    db.flush()


# --- snippets -------------------------------------------------------------------------------------

def may_use_snippet(guide: User, snippet: Snippet | None) -> bool:
    if snippet is None:
        return False
    if snippet.owner_id is not None:
        return snippet.owner_id == guide.id
    return snippet.municipality_code in guide.municipality_codes


def fill_snippet(body: str, first_name: str, module_title: str) -> str:
    """Placeholders a guide can use: {fornavn} and {modul}."""
    return body.replace("{fornavn}", first_name).replace("{modul}", module_title)


def add_snippet(guide: User, title: str, body: str, now: datetime,
                shared_in: str | None = None) -> Snippet:
    """A guide's own snippet, or one shared with the guides of a municipality they serve."""
    if shared_in is not None and shared_in not in guide.municipality_codes:
        raise CheckinError("municipality")
    snippet = Snippet(owner_id=None if shared_in else guide.id, municipality_code=shared_in,
                      title=title, body=body, created_at=now)
    db.add(snippet)
    db.flush()
    return snippet


def delete_snippet(guide: User, snippet: Snippet) -> None:
    """Only the guide's own snippets; shared ones stay."""
    if snippet.owner_id != guide.id:
        raise CheckinError("not_yours")
    db.delete(snippet)
    db.flush()
