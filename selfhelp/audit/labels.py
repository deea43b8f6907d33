"""Plain words for audit events, for the resident's access log and the admin's search."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: What was opened or changed, as a resident would say it (their access log).
WHAT = {
    "guide_queue": _l("veilederens kø (navnet ditt og status for sjekk-inn)"),
    "caseload": _l("veilederens oversikt over sine innbyggere"),
    "checkin_screen": _l("innsjekk med arbeidsark, kartlegging og meldinger"),
    "feedback": _l("tilbakemelding til deg"),
    "message": _l("melding til deg"),
    "risk_flag": _l("oppfølging av et risikoflagg"),
    "open_flags": _l("listen over åpne risikovarsler"),
    "program": _l("programmet ditt (moduler og tempo)"),
    "course_applications": _l("søknadslisten for et kurs"),
    "course_application": _l("søknaden din til et kurs"),
    "cohort_roster": _l("deltakerlisten for et kurs"),
    "attendance": _l("oppmøte på kurs"),
    "guide_assignments": _l("oversikten over veiledere"),
    "guide_assignment": _l("hvem som er veilederen din"),
    "data_export": _l("alle dataene dine (nedlasting)"),
    "account": _l("kontoen din"),
    "audit_log": _l("tilgangsloggen"),
    "failed_notifications": _l("varsler som ikke kom fram"),
    "sent_mail": _l("e-post selfhelp har sendt deg (demoens e-postvisning)"),
    "leader_register": _l("kurslederregisteret (registrert eller trukket tilbake opplæring)"),
    "care_pathway": _l("kartleggingen og planen din"),
    "assessment": _l("kartleggingen din"),
    "care_plan": _l("planen din"),
    "review_decision": _l("en vurdering av planen din"),
    "care_review": _l("kursets liste over deltakere som trenger en vurdering av planen"),
}

#: The same events as staff say them (the admin's audit search): about "the resident", never
#: "you".
STAFF_WHAT = {
    "guide_queue": _l("veilederens kø (navn og status for sjekk-inn)"),
    "caseload": _l("veilederens oversikt over sine innbyggere"),
    "checkin_screen": _l("sjekk-inn-siden med arbeidsark, kartlegging og meldinger"),
    "feedback": _l("tilbakemelding til innbyggeren"),
    "message": _l("melding til innbyggeren"),
    "risk_flag": _l("oppfølging av et risikoflagg"),
    "open_flags": _l("listen over åpne risikovarsler"),
    "program": _l("innbyggerens program (moduler og tempo)"),
    "course_applications": _l("søknadslisten for et kurs"),
    "course_application": _l("innbyggerens søknad til et kurs"),
    "cohort_roster": _l("deltakerlisten for et kurs"),
    "attendance": _l("oppmøte på kurs"),
    "guide_assignments": _l("oversikten over veiledere"),
    "guide_assignment": _l("hvem som er innbyggerens veileder"),
    "data_export": _l("alle innbyggerens data (nedlasting)"),
    "account": _l("innbyggerens konto"),
    "audit_log": _l("tilgangsloggen"),
    "failed_notifications": _l("varsler som ikke kom fram"),
    "sent_mail": _l("e-post selfhelp har sendt innbyggeren (demoens e-postvisning)"),
    "leader_register": _l("kurslederregisteret (registrert eller trukket tilbake opplæring)"),
    "care_pathway": _l("innbyggerens kartlegging og plan"),
    "assessment": _l("innbyggerens kartlegging"),
    "care_plan": _l("innbyggerens plan"),
    "review_decision": _l("en vurdering av innbyggerens plan"),
    "care_review": _l("kursets liste over deltakere som trenger en vurdering av planen"),
}

ACTIONS = {
    "view": _l("så"),
    "create": _l("skrev"),
    "change": _l("endret"),
    "export": _l("lastet ned"),
}

ROLES = {
    "guide": _l("veileder"),
    "course_leader": _l("kursleder"),
    "admin": _l("administrator"),
    "resident": _l("innbygger"),
}


def what_label(what: str) -> str:
    return str(WHAT.get(what, what))


def staff_what_label(what: str) -> str:
    """What an event was about, in staff wording (for the admin's audit search)."""
    return str(STAFF_WHAT.get(what, what))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def role_label(role: str) -> str:
    return str(ROLES.get(role, role))
