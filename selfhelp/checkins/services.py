"""The guide's weekly loop: assignment, check-ins, feedback, messages, risk follow-up, absence."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from markdown_it import MarkdownIt
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from selfhelp.accounts.models import StaffMunicipality, User, UserRole
from selfhelp.checkins.access import current_assignment, on_duty
from selfhelp.checkins.models import (
    Checkin, FeedbackDraft, GuideAbsence, GuideAssignment, GuideSettings, Message, Snippet,
)
from selfhelp.clock import local
from selfhelp.db import db
from selfhelp.notifications.services import enqueue
from selfhelp.programs.models import Enrolment
from selfhelp.sanitize import clean_html, text_to_html
from selfhelp.worktime import feedback_due

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


class CheckinError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- assignment ---------------------------------------------------------------------------------

def guides_for_any(municipality_codes) -> list[User]:
    return list(db.scalars(select(User).join(UserRole).where(UserRole.role == "guide",
                                                            User.active.is_(True))
                           .join(StaffMunicipality)
                           .where(StaffMunicipality.municipality_code.in_(list(municipality_codes)))
                           .distinct().order_by(User.name)))


def guides_for(municipality_code: str) -> list[User]:
    return guides_for_any([municipality_code])


def absences_of_any(guide_ids: list[int]) -> list[GuideAbsence]:
    return list(db.scalars(select(GuideAbsence).where(GuideAbsence.guide_id.in_(guide_ids))
                           .order_by(GuideAbsence.starts_on.desc())))


def caseload_sizes(guide_ids: list[int]) -> dict[int, int]:
    rows = db.execute(select(GuideAssignment.guide_id, func.count()).where(
        GuideAssignment.guide_id.in_(guide_ids), GuideAssignment.ended_at.is_(None))
        .group_by(GuideAssignment.guide_id))
    return {guide_id: 0 for guide_id in guide_ids} | dict(rows.all())


def proposed_guide(resident: User) -> User | None:
    """The guide with the smallest active caseload among those serving the resident's municipality."""
    guides = guides_for(resident.municipality_code or "")
    if not guides:
        return None
    sizes = caseload_sizes([g.id for g in guides])
    return min(guides, key=lambda g: (sizes[g.id], g.name))


def assign_guide(actor: User, enrolment: Enrolment, guide: User, now: datetime) -> GuideAssignment:
    """Give the enrolment a guide; an earlier assignment is ended, never deleted."""
    if not guide.has_role("guide"):
        raise CheckinError("not_a_guide")
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


def current_checkin(enrolment: Enrolment, today: date) -> Checkin | None:
    """This week's check-in, opened on the program's start weekday; created when first needed.
    An older one never sent is left as it was: the resident answers the current week."""
    week = (today - enrolment.start_date).days // 7
    if week < 1 or enrolment.state != "active":
        return None
    checkin = db.scalar(select(Checkin).where(Checkin.enrolment_id == enrolment.id, Checkin.week == week))
    if checkin is None:
        checkin = Checkin(enrolment_id=enrolment.id, resident_id=enrolment.resident_id, week=week,
                          opens_on=enrolment.start_date + timedelta(weeks=week), state="open")
        db.add(checkin)
        db.flush()
    return checkin


def submit_checkin(resident: User, checkin: Checkin, how_it_went: str, now: datetime) -> None:
    """Send the week's check-in: one conditional change from open to submitted, so a double
    click (even two requests at once) sends it once."""
    if checkin.resident_id != resident.id or checkin.state != "open":
        raise CheckinError("not_open")
    due = feedback_due(now, feedback_due_days(resident.municipality_code))
    changed = db.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.state == "open")
                         .values(how_it_went=how_it_went.strip(), state="submitted",
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


def draft_for(guide: User, checkin: Checkin, now: datetime) -> FeedbackDraft:
    """The draft for this check-in, started when the guide first opens it (its start time
    prefills the minutes spent)."""
    draft = db.scalar(select(FeedbackDraft).where(FeedbackDraft.checkin_id == checkin.id))
    if draft is None:
        draft = FeedbackDraft(checkin_id=checkin.id, guide_id=guide.id, body="", started_at=now,
                              updated_at=now)
        db.add(draft)
        db.flush()
    return draft


def save_draft(guide: User, checkin: Checkin, body: str, now: datetime) -> FeedbackDraft:
    draft = draft_for(guide, checkin, now)
    draft.body = body
    draft.updated_at = now
    return draft


def render_feedback(text: str) -> str:
    """The editor's light formatting (paragraphs, **bold**, *italic*, lists, links) to clean HTML."""
    return str(clean_html(_markdown.render(text or "")))


def publish_feedback(guide: User, checkin: Checkin, body_text: str, minutes: int,
                     now: datetime) -> Message:
    """Send the feedback: it closes the check-in and tells the resident (no health details)."""
    if checkin.state != "submitted":
        raise CheckinError("not_submitted")
    body = render_feedback(body_text)
    if not body.strip():
        raise CheckinError("empty")
    # One conditional state change: of two "publish" clicks at once, only one closes the
    # check-in; the other finds it closed and sends nothing.
    closed = db.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.state == "submitted")
                        .values(state="closed", closed_at=now, closed_by_id=guide.id,
                                minutes_spent=max(0, min(minutes, 600)))
                        .execution_options(synchronize_session=False)).rowcount
    if closed != 1:
        raise CheckinError("not_submitted")
    db.refresh(checkin)
    message = Message(resident_id=checkin.resident_id, author_id=guide.id, kind="feedback",
                      checkin_id=checkin.id, body_html=body, created_at=now)
    db.add(message)
    db.execute(update(FeedbackDraft).where(FeedbackDraft.checkin_id == checkin.id)
               .values(body="", updated_at=now).execution_options(synchronize_session=False))
    db.flush()
    enqueue(checkin.resident_id, "new_message", f"message:{message.id}", now, now, {})
    return message


def _sent_with(author: User, nonce: str | None) -> Message | None:
    if not nonce:
        return None
    return db.scalar(select(Message).where(Message.author_id == author.id,
                                           Message.form_nonce == nonce))


def post_message(author: User, resident: User, text_or_html: str, now: datetime,
                 nonce: str | None = None) -> Message:
    """A message in the resident's thread. Residents write plain text; guides use the editor.

    `nonce` comes from the form (MessageForm.nonce): the same form posted twice (a double
    click) is one message — the second post returns the first message.
    """
    body = text_to_html(text_or_html) if author.id == resident.id else render_feedback(text_or_html)
    if not str(body).strip():
        raise CheckinError("empty")
    nonce = nonce if nonce and len(nonce) <= 32 and nonce.isalnum() else None
    earlier = _sent_with(author, nonce)
    if earlier is not None:
        return earlier
    message = Message(resident_id=resident.id, author_id=author.id, kind="message",
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


def thread(resident_id: int) -> list[Message]:
    return list(db.scalars(select(Message).where(Message.resident_id == resident_id)
                           .order_by(Message.created_at, Message.id)))


def mark_read(reader: User, resident_id: int, now: datetime) -> None:
    """Read receipts: the resident reads the staff's messages; staff read the resident's."""
    mine = Message.author_id == resident_id
    condition = ~mine if reader.id == resident_id else mine
    db.execute(update(Message).where(Message.resident_id == resident_id, condition,
                                     Message.read_at.is_(None))
               .values(read_at=now).execution_options(synchronize_session=False))


# --- snippets -------------------------------------------------------------------------------------

def snippets_for(guide: User) -> list[Snippet]:
    """The guide's own snippets and those shared in the municipalities they serve."""
    shared_here = Snippet.owner_id.is_(None) & Snippet.municipality_code.in_(sorted(guide.municipality_codes))
    return list(db.scalars(select(Snippet).where((Snippet.owner_id == guide.id) | shared_here)
                           .order_by(Snippet.owner_id.is_(None), Snippet.title)))


def may_use_snippet(guide: User, snippet: Snippet | None) -> bool:
    if snippet is None:
        return False
    if snippet.owner_id is not None:
        return snippet.owner_id == guide.id
    return snippet.municipality_code in guide.municipality_codes


def fill_snippet(body: str, first_name: str, module_title: str) -> str:
    """Placeholders a guide can use: {fornavn} and {modul}."""
    return body.replace("{fornavn}", first_name).replace("{modul}", module_title)

