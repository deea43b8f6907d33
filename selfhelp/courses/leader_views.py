"""Course leader pages: plan and publish cohorts, applications inbox, roster, attendance, notes."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from selfhelp import clock
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.audit.services import record as audit
from selfhelp.care.forms import OUTCOME_LABELS, follow_up_form
from selfhelp.care.queries import open_flags_for_leader
from selfhelp.content import get_catalogue
from selfhelp.courses import admission, forms, services
from selfhelp.courses.leader_support import cohort_form_choices, plan_from_form, prefill_form
from selfhelp.courses.models import Application, Attendance, Cohort, CohortNote, CourseSession
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.measures.models import MeasureResult
from selfhelp.security import roles_required

bp = Blueprint("leader", __name__, url_prefix="/leader")

PLAN_MESSAGES = {
    "leader_not_qualified": _l("Alle kursledere må ha kvalifikasjon for dette kurset og betjene kommunen."),
    "too_few_leaders": _l("Dette kurset trenger flere kursledere."),
    "actor_not_leader": _l("Du må selv være en av kurslederne."),
    "capacity": _l("Antall plasser er over det kurset er laget for."),
    "first_date_past": _l("Første samling kan ikke være tilbake i tid."),
    "deadline_after_start": _l("Søknadsfristen må være før første samling."),
    "place_missing": _l("Skriv hvor kurset holdes, eller kryss av for nettkurs."),
}
ADMISSION_MESSAGES = {
    "guardian_missing": _l("Søkeren er under 16 år: bekreft samtykke fra foresatt før opptak."),
    "not_pending": _l("Søknaden er allerede behandlet."),
}


def _my_cohort(cohort_id: int) -> Cohort:
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or current_user.id not in cohort.leader_ids:
        abort(404)
    return cohort


def _course(cohort: Cohort):
    return get_catalogue().courses[cohort.course_code]


def _session(cohort: Cohort, session_id: int) -> CourseSession:
    session = next((s for s in cohort.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    return session


def _application(cohort: Cohort, application_id: int) -> Application:
    application = db.get(Application, application_id)
    if application is None or application.cohort_id != cohort.id:
        abort(404)
    return application


def _today():
    return clock.local(clock.now()).date()


@bp.route("/cohorts")
@roles_required("course_leader")
def cohorts():
    mine = db.scalars(select(Cohort).where(Cohort.leaders.any(leader_id=current_user.id))
                      .order_by(Cohort.first_date.desc())).all()
    return render_template("courses/leader/cohorts.html", cohorts=mine, courses=get_catalogue().courses)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def new_cohort():
    form = forms.CohortForm()
    cohort_form_choices(form)
    if not form.is_submitted():
        prefill_form(form, None)
    if form.validate_on_submit():
        course = get_catalogue().courses.get(form.course.data)
        if course is None:
            form.course.errors.append(_("Velg kurs."))
        else:
            try:
                cohort = services.create_cohort(current_user, plan_from_form(form), course,
                                                clock.now(), _today())
            except services.CohortError as error:
                getattr(form, error.field).errors.append(str(PLAN_MESSAGES[error.code]))
            else:
                db.commit()
                flash(_("Kurset er lagret som utkast. Sjekk timeplanen før du publiserer."), "success")
                return redirect(url_for("leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def edit_cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    if cohort.state != "draft":
        flash(_("Et publisert kurs endres ved å flytte eller avlyse enkeltsamlinger."), "info")
        return redirect(url_for("leader.cohort", cohort_id=cohort.id))
    form = forms.CohortForm()
    cohort_form_choices(form)
    if not form.is_submitted():
        prefill_form(form, cohort)
    if form.validate_on_submit():
        course = get_catalogue().courses.get(form.course.data)
        try:
            services.update_draft(current_user, cohort, plan_from_form(form), course, clock.now(), _today())
        except services.CohortError as error:
            getattr(form, error.field or "course").errors.append(str(PLAN_MESSAGES.get(error.code, error.code)))
        else:
            db.commit()
            flash(_("Endringene er lagret, og timeplanen er laget på nytt."), "success")
            return redirect(url_for("leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/cohort_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required("course_leader")
def cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    from selfhelp.pathway.review import cohort_reviews

    counts = dict(db.execute(select(Application.state, func.count()).where(
        Application.cohort_id == cohort.id).group_by(Application.state)).all())
    admitted = list(db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                        Application.state == "admitted")))
    reviews = cohort_reviews(cohort, admitted)
    by_id = {a.id: a for a in admitted}
    review_rows = [(by_id[application_id], item) for application_id, item in reviews.items()]
    if review_rows:  # names and scores of residents are shown: the leader's view is recorded
        audit(current_user, "course_leader", [a.resident_id for a, _item in review_rows], "care_review",
              "view", clock.now(), record_id=cohort.id)
    flags = open_flags_for_leader(current_user, clock.now(), cohort.id)
    if flags:
        audit(current_user, "course_leader", [r.resident.id for r in flags], "open_flags", "view",
              clock.now())
    if review_rows or flags:
        db.commit()
    return render_template("courses/leader/cohort.html", cohort=cohort, course=_course(cohort),
                           counts=counts, action_form=EmptyForm(), cancel_form=forms.CancelForm(),
                           municipality_name=municipality_name, review_rows=review_rows,
                           flag_rows=flags,
                           flag_forms={r.flag.id: follow_up_form(r.flag.id, formdata=None)
                                       for r in flags if r.may_act}, outcomes=OUTCOME_LABELS)


@bp.route("/cohorts/<int:cohort_id>/publish", methods=["POST"])
@roles_required("course_leader")
def publish(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    try:
        services.publish(current_user, cohort, clock.now())
    except services.CohortError:
        abort(400)
    db.commit()
    flash(_("Kurset er publisert, og innbyggere kan søke."), "success")
    return redirect(url_for("leader.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/cancel", methods=["POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def cancel_cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    form = forms.CancelForm()
    if not form.validate_on_submit():
        flash(_("Skriv en kort begrunnelse for å avlyse kurset."), "error")
        return redirect(url_for("leader.cohort", cohort_id=cohort.id))
    services.cancel_cohort(current_user, cohort, form.reason.data, clock.now())
    db.commit()
    flash(_("Kurset er avlyst, og alle søkere får beskjed."), "success")
    return redirect(url_for("leader.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/move", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def move_session(cohort_id: int, session_id: int):
    cohort = _my_cohort(cohort_id)
    session = _session(cohort, session_id)
    form = forms.MoveSessionForm()
    if not form.is_submitted():
        form.date.data, form.time.data = session.local_date, session.start_time
    if form.validate_on_submit():
        try:
            services.move_session(current_user, cohort, session, form.date.data, form.time.data, clock.now())
        except services.CohortError:
            form.date.errors.append(_("En avlyst samling kan ikke flyttes."))
        else:
            db.commit()
            flash(_("Samlingen er flyttet, og deltakerne får beskjed."), "success")
            return redirect(url_for("leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/move_session.html", cohort=cohort, session=session, form=form)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/cancel", methods=["POST"])
@roles_required("course_leader")
def cancel_session(cohort_id: int, session_id: int):
    cohort = _my_cohort(cohort_id)
    services.cancel_session(current_user, cohort, _session(cohort, session_id), clock.now())
    db.commit()
    flash(_("Samlingen er avlyst, og deltakerne får beskjed."), "success")
    return redirect(url_for("leader.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/applications")
@roles_required("course_leader")
def applications(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    rows = db.execute(select(Application, MeasureResult).outerjoin(
        MeasureResult, MeasureResult.id == Application.screening_result_id)
        .where(Application.cohort_id == cohort.id).order_by(Application.applied_at)).all()
    audit(current_user, "course_leader", [a.resident_id for a, _r in rows], "course_applications",
          "view", clock.now(), record_id=cohort.id)
    db.commit()
    return render_template("courses/leader/applications.html", cohort=cohort, course=_course(cohort),
                           rows=rows, positions=admission.waitlist_positions(cohort.id))


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>")
@roles_required("course_leader")
def application(cohort_id: int, application_id: int):
    cohort = _my_cohort(cohort_id)
    application = _application(cohort, application_id)
    screening = db.get(MeasureResult, application.screening_result_id) if application.screening_result_id else None
    audit(current_user, "course_leader", [application.resident_id], "course_application", "view",
          clock.now(), record_id=application.id)
    db.commit()
    course = _course(cohort)
    return render_template(
        "courses/leader/application.html", cohort=cohort, course=course, application=application,
        screening=screening, needs_guardian=admission.needs_guardian(application.resident, cohort, course),
        positions=admission.waitlist_positions(cohort.id), action_form=EmptyForm(),
        decline_form=forms.DeclineForm(), pretalk_form=forms.PretalkForm())


def _decide(cohort_id: int, application_id: int, act):
    cohort = _my_cohort(cohort_id)
    application = _application(cohort, application_id)
    try:
        message = act(cohort, application, _course(cohort))
    except admission.AdmissionError as error:
        db.rollback()
        flash(str(ADMISSION_MESSAGES.get(error.code, error.code)), "error")
    else:
        audit(current_user, "course_leader", [application.resident_id], "course_application", "change",
              clock.now(), record_id=application.id)
        db.commit()
        flash(message, "success")
    return redirect(url_for("leader.application", cohort_id=cohort_id, application_id=application_id))


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/admit", methods=["POST"])
@roles_required("course_leader")
def admit(cohort_id: int, application_id: int):
    def act(cohort, application, course):
        outcome = admission.admit(current_user, application, course, clock.now())
        return _("Søkeren er tatt opp.") if outcome == "admitted" else \
            _("Kurset er fullt. Søkeren er satt på ventelisten.")
    return _decide(cohort_id, application_id, act)


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/decline", methods=["POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def decline(cohort_id: int, application_id: int):
    form = forms.DeclineForm()
    if not form.validate_on_submit():
        flash(_("Skriv en kort begrunnelse for avslaget."), "error")
        return redirect(url_for("leader.application", cohort_id=cohort_id, application_id=application_id))

    def act(cohort, application, course):
        admission.decline(current_user, application, form.reason.data, course, clock.now())
        return _("Søknaden er avslått.")
    return _decide(cohort_id, application_id, act)


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/pretalk", methods=["POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def pretalk(cohort_id: int, application_id: int):
    form = forms.PretalkForm()
    if not form.validate_on_submit():
        flash(_("Skriv dato og klokkeslett for forsamtalen."), "error")
        return redirect(url_for("leader.application", cohort_id=cohort_id, application_id=application_id))
    when = datetime.combine(form.date.data, form.time.data, tzinfo=clock.OSLO)

    def act(cohort, application, course):
        admission.invite_to_pretalk(current_user, application, when, form.note.data or "", clock.now())
        return _("Søkeren er invitert til forsamtale.")
    return _decide(cohort_id, application_id, act)


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/guardian", methods=["POST"])
@roles_required("course_leader")
def confirm_guardian(cohort_id: int, application_id: int):
    def act(cohort, application, course):
        seated = admission.confirm_guardian(current_user, application, course, clock.now())
        message = _("Samtykke fra foresatt er registrert.")
        return f"{message} {_('Søkeren fikk en ledig plass.')}" if seated else message
    return _decide(cohort_id, application_id, act)


@bp.route("/cohorts/<int:cohort_id>/roster", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def roster(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    form = forms.NoteForm()
    if form.validate_on_submit():
        services.add_note(current_user, cohort, form.text.data, clock.now())
        db.commit()
        flash(_("Notatet er lagret."), "success")
        return redirect(url_for("leader.roster", cohort_id=cohort.id) + "#notes")
    both = db.scalars(select(Application).where(Application.cohort_id == cohort.id,
                                                Application.state.in_(("admitted", "waitlisted")))
                      .order_by(Application.waitlist_ticket, Application.applied_at)).all()
    people = sorted((a for a in both if a.state == "admitted"), key=lambda a: a.applied_at)
    waiting = [a for a in both if a.state == "waitlisted"]
    attendance = db.execute(select(Attendance.application_id, Attendance.session_id, Attendance.status)
                            .join(CourseSession).where(CourseSession.cohort_id == cohort.id)).all()
    marks = {(a, s): status for a, s, status in attendance}
    notes = db.scalars(select(CohortNote).where(CohortNote.cohort_id == cohort.id)
                       .order_by(CohortNote.created_at.desc())).all()
    audit(current_user, "course_leader", [a.resident_id for a in [*people, *waiting]], "cohort_roster",
          "view", clock.now(), record_id=cohort.id)
    db.commit()
    return render_template("courses/leader/roster.html", cohort=cohort, people=people, waiting=waiting,
                           marks=marks, notes=notes, form=form)


@bp.route("/cohorts/<int:cohort_id>/roster.csv")
@roles_required("course_leader")
def roster_csv(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    people = services.participants(cohort)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Navn"), _("E-post"), _("Telefon"), _("Fødselsdato"), _("Tatt opp")])
    for application in people:
        resident = application.resident
        writer.writerow([_csv_safe(resident.name), resident.email, resident.phone or "",
                         resident.birth_date.isoformat() if resident.birth_date else "",
                         clock.local(application.decided_at).date().isoformat() if application.decided_at else ""])
    audit(current_user, "course_leader", [a.resident_id for a in people], "cohort_roster", "export",
          clock.now(), record_id=cohort.id)
    db.commit()
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="deltakere-{cohort.course_code}-{cohort.id}.csv"'})


def _csv_safe(value: str) -> str:
    """Stop spreadsheet programs from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def attendance(cohort_id: int, session_id: int):
    cohort = _my_cohort(cohort_id)
    session = _session(cohort, session_id)
    people = services.participants(cohort)
    form = EmptyForm()
    if form.validate_on_submit():
        ids = {a.id for a in people}
        marks = {int(k[2:]): v for k, v in request.form.items() if k.startswith("a-") and k[2:].isdigit()
                 and int(k[2:]) in ids}
        services.record_attendance(current_user, session, marks, clock.now())
        audit(current_user, "course_leader", [a.resident_id for a in people], "attendance", "change",
              clock.now(), record_id=session.id)
        db.commit()
        flash(_("Oppmøtet er lagret."), "success")
        return redirect(url_for("leader.roster", cohort_id=cohort.id))
    current = dict(db.execute(select(Attendance.application_id, Attendance.status)
                              .where(Attendance.session_id == session.id)).all())
    audit(current_user, "course_leader", [a.resident_id for a in people], "attendance", "view",
          clock.now(), record_id=session.id)
    db.commit()
    return render_template("courses/leader/attendance.html", cohort=cohort, session=session,
                           people=people, current=current, form=form)
