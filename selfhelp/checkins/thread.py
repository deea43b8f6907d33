"""The resident's thread as the resident sees it: the messages, and each week's check-in they
sent, in the order they happened, with when the guide's answer is due; and this week's check-in
state for the dashboard. Reads only; nothing here creates a check-in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from selfhelp.accounts.models import User
from selfhelp.checkins.access import current_assignment
from selfhelp.checkins.models import Checkin, CheckinState, Message
from selfhelp.checkins.services import week_of
from selfhelp.db import db
from selfhelp.programs.models import Enrolment, EnrolmentState


@dataclass(frozen=True)
class SentCheckin:
    """A check-in in the resident's thread. `guide` is who answers (None without a guide)."""

    checkin: Checkin
    author: User
    guide: User | None

    kind = "checkin"

    @property
    def created_at(self) -> datetime:
        return self.checkin.submitted_at

    @property
    def waiting(self) -> bool:
        return self.checkin.state == CheckinState.SUBMITTED


def resident_thread(resident: User, guide: User | None) -> list[Message | SentCheckin]:
    """Messages and sent check-ins of this resident, oldest first (two queries)."""
    messages = list(db.scalars(select(Message).where(Message.resident_id == resident.id)))
    sent = [SentCheckin(checkin, resident, guide) for checkin in db.scalars(
        select(Checkin).where(Checkin.resident_id == resident.id, Checkin.submitted_at.is_not(None)))]
    entries: list[Message | SentCheckin] = [*messages, *sent]
    # A check-in and the message sent in the same instant: the check-in first.
    return sorted(entries, key=lambda e: (e.created_at, e.kind != "checkin",
                                          e.checkin.id if e.kind == "checkin" else e.id))


def this_weeks_checkins(enrolment_ids: list[int], weeks: dict[int, int]) -> dict[int, Checkin]:
    """This week's check-in row per enrolment, where one exists (`weeks`: enrolment id to the
    current week number). One query whatever the number of programs."""
    wanted = [and_(Checkin.enrolment_id == e, Checkin.week == weeks[e]) for e in enrolment_ids
              if e in weeks]
    if not wanted:
        return {}
    return {c.enrolment_id: c for c in db.scalars(select(Checkin).where(or_(*wanted)))}


@dataclass(frozen=True)
class WeekCheckin:
    """What the dashboard says about this week's check-in of one guided program."""

    state: CheckinState  # open (or not yet created): the button; submitted: who answers by when
    due_at: datetime | None
    guide: User | None


def dashboard_checkins(enrolments: list[Enrolment], today: date) -> dict[int, WeekCheckin]:
    """Enrolment id to this week's check-in, for active enrolments past their first week."""
    weeks = {e.id: week_of(e.start_date, today) for e in enrolments
             if e.state == EnrolmentState.ACTIVE and week_of(e.start_date, today) >= 1}
    rows = this_weeks_checkins(list(weeks), weeks)
    result = {}
    for enrolment_id in weeks:
        row = rows.get(enrolment_id)
        assignment = current_assignment(enrolment_id)
        result[enrolment_id] = WeekCheckin(
            state=row.state if row else CheckinState.OPEN, due_at=row.feedback_due_at if row else None,
            guide=assignment.guide if assignment else None)
    return result
