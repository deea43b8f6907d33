"""Every kind of notification, the topic it belongs to and the rules people's settings follow.

Residents and staff choose per topic (a few kinds that belong together) whether they want it by
email/SMS; muted kinds still appear in the notification centre. Safety-related messages and
session changes cannot be muted, and session changes less than 24 hours away ignore quiet hours.
Account mail (a confirmation or reset link, an invitation) is a reply to what the person just
did: it always goes by email at once, whatever the settings, and is not listed in the centre.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Topic:
    name: str
    audience: str  # resident or staff
    label: object  # lazy string
    can_mute: bool = True


TOPICS: dict[str, Topic] = {t.name: t for t in (
    Topic("course_places", "resident", _l("Svar på kurssøknader og ledige plasser")),
    Topic("session_reminders", "resident", _l("Påminnelse før hver kurssamling")),
    Topic("session_changes", "resident", _l("Kurssamling flyttet eller avlyst"), can_mute=False),
    Topic("program_weeks", "resident", _l("Ny modul eller ukens spørreskjema i programmet")),
    Topic("followups", "resident", _l("Oppfølgingsskjema 3 og 6 måneder etter programmet")),
    Topic("nudges", "resident", _l("Vennlig påminnelse når du ikke har vært innom på en stund")),
    Topic("messages", "resident", _l("Ny melding eller tilbakemelding fra veilederen")),
    Topic("checkins", "staff", _l("Innsjekk som venter på tilbakemelding fra deg")),
    Topic("overdue", "staff", _l("Daglig oversikt over tilbakemeldinger som er over fristen")),
    Topic("safety", "staff", _l("Risikovarsler og eskaleringer"), can_mute=False),
    Topic("digest", "any", _l("Daglig sammendrag"), can_mute=False),
    Topic("account", "any", _l("Kontoen din: bekreftelse, nytt passord og invitasjon"),
          can_mute=False),
)}


@dataclass(frozen=True)
class Kind:
    name: str
    topic: str
    #: May wait for the daily digest (time-critical kinds never do).
    can_digest: bool = True
    #: A session change: inside quiet hours it still goes out when the session is < 24 h away.
    urgent_when_soon: bool = False
    #: Account mail: by email at once whatever the settings (no quiet hours, digest or SMS), not
    #: in the notification centre, and its secret (the link's token) is dropped once sent.
    transactional: bool = False

    @property
    def can_mute(self) -> bool:
        return TOPICS[self.topic].can_mute


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("course_admitted", "course_places"),
    Kind("course_declined", "course_places"),
    Kind("course_pretalk", "course_places", can_digest=False),
    Kind("course_waitlist_offer", "course_places", can_digest=False),
    Kind("session_reminder", "session_reminders", can_digest=False),
    Kind("session_reminder_2h", "session_reminders", can_digest=False),
    Kind("session_moved", "session_changes", can_digest=False, urgent_when_soon=True),
    Kind("session_cancelled", "session_changes", can_digest=False, urgent_when_soon=True),
    Kind("cohort_cancelled", "session_changes", can_digest=False, urgent_when_soon=True),
    Kind("module_available", "program_weeks"),
    Kind("questionnaire_due", "program_weeks"),
    Kind("followup_due", "followups"),
    Kind("activity_nudge", "nudges"),
    Kind("new_message", "messages"),
    Kind("checkin_waiting", "checkins"),
    Kind("feedback_overdue", "overdue", can_digest=False),  # is a digest already
    Kind("risk_flag", "safety", can_digest=False),
    Kind("risk_escalation", "safety", can_digest=False),
    Kind("risk_reminder", "safety", can_digest=False),
    Kind("daily_digest", "digest", can_digest=False),
    Kind("verify_email", "account", can_digest=False, transactional=True),
    Kind("reset_password", "account", can_digest=False, transactional=True),
    Kind("staff_invitation", "account", can_digest=False, transactional=True),
    Kind("signup_attempt", "account", can_digest=False, transactional=True),
)}


def kind_of(name: str) -> Kind:
    """Unknown kinds (none should exist) are treated as the strictest: not mutable, no digest."""
    return KINDS.get(name) or Kind(name, "safety", can_digest=False)


def topics_for(is_staff: bool, is_resident: bool) -> list[Topic]:
    wanted = ({"staff"} if is_staff else set()) | ({"resident"} if is_resident else set())
    return [t for t in TOPICS.values() if t.audience in wanted]
