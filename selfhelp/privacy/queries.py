"""Everything the platform holds about one resident, collected in one place.

`collect(resident, locale)` returns plain data (dicts, lists, datetimes); export.py renders it as
JSON and as a readable page. What a resident gets: their profile, program progress, every
worksheet answer with its earlier versions, questionnaire results with scores, risk flags and what
staff did about them, course applications and attendance, check-ins, the message thread with
feedback, who their guides have been, the notices sent to them, and their access log.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from selfhelp.accounts.models import User
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.audit.labels import action_label, role_label, what_label
from selfhelp.audit.models import AuditEvent
from selfhelp.audit.services import record as audit
from selfhelp.care.services import actions_of
from selfhelp.checkins.models import Checkin, GuideAssignment, Message
from selfhelp.content import get_catalogue
from selfhelp.content.model import Module
from selfhelp.courses.models import Application, ApplicationDraft, Attendance, Cohort, CourseSession
from selfhelp.db import db
from selfhelp.i18n import localized
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.notifications.models import Notification
from selfhelp.pathway import queries as pathway
from selfhelp.programs.display import display_value
from selfhelp.programs.models import Enrolment, ModuleProgress, WorksheetAnswer, WorksheetVersion

FORMAT_VERSION = 1


def collect(resident: User, locale: str, now: datetime) -> dict:
    """All personal data about `resident`, in the reader's language where there is a choice."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now,
        "profile": _profile(resident),
        "programs": _programs(resident, locale),
        "questionnaires": _questionnaires(resident, locale),
        "risk_flags": _risk_flags(resident),
        "care_pathway": _care_pathway(resident),
        "courses": _courses(resident, locale),
        "course_application_drafts": _application_drafts(resident, locale),
        "checkins": _checkins(resident),
        "messages": _messages(resident),
        "guides": _guides(resident),
        "notifications": _notifications(resident),
        "access_log": _access_log(resident),
    }


def export_of(resident: User, locale: str, now: datetime) -> dict:
    """What the resident downloads (``collect``); the download is in their access log."""
    data = collect(resident, locale, now)
    audit(resident, "resident", [resident.id], "data_export", "export", now)
    return data


def _profile(user: User) -> dict:
    return {
        "id": user.id, "name": user.name, "email": user.email, "phone": user.phone,
        "birth_date": user.birth_date, "municipality_code": user.municipality_code,
        "municipality": municipality_name(user.municipality_code) if user.municipality_code else None,
        "referral_source": user.referral_source, "gender": user.gender,
        "work_status": user.work_status, "language": user.locale,
        "terms_version": user.terms_version, "terms_accepted_at": user.terms_accepted_at,
        "created_at": user.created_at, "email_verified_at": user.email_verified_at,
        "last_login_at": user.last_login_at,
    }


def _field_texts(module: Module | None, locale: str, exercise_key: str, data: dict) -> list[dict]:
    """Each field with its label and the value as a person reads it (options in their language)."""
    exercise = module.text(locale).exercise(exercise_key) if module else None
    if exercise is None:
        return [{"label": key, "text": str(value)} for key, value in data.items()]
    fields = []
    for field in exercise.fields:
        value = data.get(field.key)
        if field.type == "rows":
            lines = []
            for number, row in enumerate(value or [], start=1):
                cells = [column.label + ": " + display_value(module, locale, exercise_key, field.key,
                                                             column.key, row.get(column.key))
                         for column in field.columns]
                lines.append(f"{number}. " + "; ".join(cells))
            text = "\n".join(lines)
        else:
            text = display_value(module, locale, exercise_key, field.key, None, value)
        fields.append({"label": field.label, "text": text})
    return fields


def _programs(resident: User, locale: str) -> list[dict]:
    programs = get_catalogue().programs
    enrolments = db.scalars(select(Enrolment).where(Enrolment.resident_id == resident.id)
                            .order_by(Enrolment.started_at)).all()
    ids = [e.id for e in enrolments]
    progress = db.scalars(select(ModuleProgress).where(ModuleProgress.enrolment_id.in_(ids))
                          .order_by(ModuleProgress.opened_at)).all()
    answers = db.scalars(select(WorksheetAnswer).where(WorksheetAnswer.enrolment_id.in_(ids))
                         .order_by(WorksheetAnswer.module_slug, WorksheetAnswer.created_at)).all()
    versions: dict[int, list[WorksheetVersion]] = {}
    for version in db.scalars(select(WorksheetVersion).where(
            WorksheetVersion.answer_id.in_([a.id for a in answers])).order_by(WorksheetVersion.saved_at)):
        versions.setdefault(version.answer_id, []).append(version)
    result = []
    for enrolment in enrolments:
        program = programs.get(enrolment.program_slug)

        def module_of(slug: str, program=program) -> Module | None:
            return program.module(slug) if program else None

        def module_title(slug: str) -> str:
            module = module_of(slug)
            return module.text(locale).title if module else slug

        worksheets = []
        for answer in (a for a in answers if a.enrolment_id == enrolment.id):
            module = module_of(answer.module_slug)
            exercise = module.text(locale).exercise(answer.exercise_key) if module else None
            worksheets.append({
                "module": answer.module_slug, "module_title": module_title(answer.module_slug),
                "exercise": answer.exercise_key, "title": exercise.title if exercise else answer.exercise_key,
                "created_at": answer.created_at, "updated_at": answer.updated_at, "answer": answer.data,
                "fields": _field_texts(module, locale, answer.exercise_key, answer.data),
                "versions": [{"saved_at": v.saved_at, "answer": v.data,
                              "fields": _field_texts(module, locale, answer.exercise_key, v.data)}
                             for v in versions.get(answer.id, [])],
            })
        result.append({
            "program": enrolment.program_slug,
            "title": localized(program.title, locale) if program else enrolment.program_slug,
            "state": enrolment.state, "started_at": enrolment.started_at,
            "start_date": enrolment.start_date, "finished_at": enrolment.finished_at,
            "modules": [{"module": p.module_slug, "title": module_title(p.module_slug),
                         "opened_at": p.opened_at, "completed_at": p.completed_at}
                        for p in progress if p.enrolment_id == enrolment.id],
            "worksheets": worksheets,
        })
    return result


def _context_label(context: str, locale: str, cohorts: dict[int, str]) -> str:
    kind, _, key = context.partition(":")
    if kind == "program":
        program = get_catalogue().programs.get(key)
        return localized(program.title, locale) if program else key
    if kind == "cohort" and key.isdigit():
        return cohorts.get(int(key), context)
    return context


def _questionnaires(resident: User, locale: str) -> list[dict]:
    measures = get_measures()
    courses = get_catalogue().courses
    results = db.scalars(select(MeasureResult).where(MeasureResult.resident_id == resident.id)
                         .order_by(MeasureResult.answered_at)).all()
    cohort_ids = {int(r.context.split(":")[1]) for r in results
                  if r.context.startswith("cohort:") and r.context.split(":")[1].isdigit()}
    cohorts = {c.id: (localized(courses[c.course_code].name, locale) if c.course_code in courses else c.course_code)
               for c in db.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))}
    rows = []
    for result in results:
        measure = measures.get(result.measure_code)
        band = None
        if measure is not None:
            try:
                band = localized(measure.band_for(result.score).label, locale)
            except ValueError:
                band = None
        rows.append({
            "measure": result.measure_code,
            "name": localized(measure.name, locale) if measure else result.measure_code,
            "context": result.context, "context_title": _context_label(result.context, locale, cohorts),
            "occasion": result.occasion, "answered_at": result.answered_at,
            "answers": result.answers, "raw_score": result.raw_score, "score": result.score,
            "band": band, "above_cutoff": result.is_case,
        })
    return rows


def _risk_flags(resident: User) -> list[dict]:
    flags = db.scalars(select(RiskFlag).where(RiskFlag.resident_id == resident.id)
                       .order_by(RiskFlag.raised_at)).all()
    # Every follow-up attempt, also "no contact reached", is part of the person's record.
    actions = {flag_id: [{"at": a.at, "outcome": a.outcome, "note": a.note, "by": a.actor_level}
                         for a in attempts]
               for flag_id, attempts in actions_of([f.id for f in flags]).items()}
    return [{"kind": f.kind, "reason": f.reason, "score": f.score, "item_value": f.item_value,
             "raised_at": f.raised_at, "state": f.state, "followed_up_at": f.acknowledged_at,
             "what_was_done": f.action_note, "follow_ups": actions.get(f.id, [])}
            for f in flags]


def _care_pathway(resident: User) -> dict:
    """Every version of the assessment note and the plan, and every review decision."""
    def author(user: User | None) -> str | None:
        return user.shown_name if user else None

    return {
        "assessments": [{"version": a.version, "written_at": a.created_at, "written_by": author(a.author),
                         "reason": a.reason, "intake_scores": a.intake_scores, "risk": a.risk,
                         "chosen_help": a.chosen_help, "goals": a.goals}
                        for a in reversed(pathway.assessments(resident.id))],
        "plans": [{"version": p.version, "written_at": p.created_at, "written_by": author(p.author),
                   "help": p.help, "frequency": p.frequency, "evaluate_on": p.evaluate_on}
                  for p in reversed(pathway.plans(resident.id))],
        "decisions": [{"decided_at": d.decided_at, "decided_by": author(d.decided_by), "context": d.context,
                       "checkpoint": d.checkpoint, "decision": d.decision, "reason": d.reason}
                      for d in reversed(pathway.decisions(resident.id))],
    }


def _courses(resident: User, locale: str) -> list[dict]:
    courses = get_catalogue().courses
    applications = db.scalars(select(Application).where(Application.resident_id == resident.id)
                              .order_by(Application.applied_at)).all()
    marks = db.execute(select(Attendance.application_id, CourseSession.number, CourseSession.local_date,
                              Attendance.status).join(CourseSession, CourseSession.id == Attendance.session_id)
                       .where(Attendance.application_id.in_([a.id for a in applications]))
                       .order_by(CourseSession.number)).all()
    rows = []
    for application in applications:
        cohort = application.cohort
        course = courses.get(cohort.course_code)
        rows.append({
            "course": cohort.course_code, "name": localized(course.name, locale) if course else cohort.course_code,
            "cohort_id": cohort.id, "municipality": municipality_name(cohort.municipality_code),
            "online": cohort.online, "first_date": cohort.first_date, "state": application.state,
            "motivation": application.motivation, "applied_at": application.applied_at,
            "decided_at": application.decided_at, "decline_reason": application.decline_reason,
            "pretalk_at": application.pretalk_at, "pretalk_note": application.pretalk_note,
            "offered_from_waiting_list_at": application.offered_at,
            "guardian_name": application.guardian_name, "guardian_contact": application.guardian_contact,
            "guardian_confirmed_at": application.guardian_confirmed_at,
            "attendance": [{"session": number, "date": day, "status": status}
                           for app_id, number, day, status in marks if app_id == application.id],
        })
    return rows


def _application_drafts(resident: User, locale: str) -> list[dict]:
    """Applications begun and not sent: what was typed so far (only the resident has seen it)."""
    courses = get_catalogue().courses
    rows = db.execute(select(ApplicationDraft, Cohort).join(Cohort, Cohort.id == ApplicationDraft.cohort_id)
                      .where(ApplicationDraft.resident_id == resident.id)
                      .order_by(ApplicationDraft.updated_at)).all()
    return [{"course": cohort.course_code,
             "name": localized(courses[cohort.course_code].name, locale) if cohort.course_code in courses
             else cohort.course_code,
             "cohort_id": cohort.id, "first_date": cohort.first_date, "updated_at": draft.updated_at,
             "motivation": (draft.answers or {}).get("motivation"),
             "screening_answers": dict((draft.answers or {}).get("screening") or {}),
             "guardian_name": (draft.answers or {}).get("guardian_name"),
             "guardian_contact": (draft.answers or {}).get("guardian_contact")}
            for draft, cohort in rows]


def _checkins(resident: User) -> list[dict]:
    checkins = db.scalars(select(Checkin).where(Checkin.resident_id == resident.id)
                          .order_by(Checkin.opens_on)).all()
    return [{"week": c.week, "opens_on": c.opens_on, "state": c.state, "how_it_went": c.how_it_went,
             "submitted_at": c.submitted_at, "answered_at": c.closed_at} for c in checkins]


def _messages(resident: User) -> list[dict]:
    messages = db.scalars(select(Message).where(Message.resident_id == resident.id)
                          .order_by(Message.created_at, Message.id)).all()
    return [{"from": "you" if m.author_id == resident.id else m.author.shown_name, "kind": m.kind,
             "checkin_id": m.checkin_id,
             "created_at": m.created_at, "read_at": m.read_at, "body_html": m.body_html}
            for m in messages]


def _guides(resident: User) -> list[dict]:
    rows = db.scalars(select(GuideAssignment).where(GuideAssignment.resident_id == resident.id)
                      .order_by(GuideAssignment.assigned_at)).all()
    return [{"guide": a.guide.shown_name, "from": a.assigned_at, "until": a.ended_at} for a in rows]


def _notifications(resident: User) -> list[dict]:
    """Notices the platform sent or planned (emails, SMS, in-app): what kind and when, never more."""
    rows = db.scalars(select(Notification).where(Notification.recipient_id == resident.id)
                      .order_by(Notification.created_at, Notification.id)).all()
    return [{"kind": n.kind, "channel": n.channel, "created_at": n.created_at, "due_at": n.due_at,
             "state": n.state, "sent_at": n.sent_at} for n in rows]


def _access_log(resident: User) -> list[dict]:
    actor = aliased(User)
    rows = db.execute(select(AuditEvent, actor).join(actor, actor.id == AuditEvent.actor_id)
                      .where(AuditEvent.resident_id == resident.id)
                      .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    return [{"at": e.at, "who": "you" if a.id == resident.id else a.shown_name, "role": role_label(e.role),
             "what": what_label(e.what), "action": action_label(e.action)} for e, a in rows]
