"""Course leader pages: plan and publish cohorts, applications inbox, roster, attendance, notes."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.care.forms import OUTCOME_LABELS, follow_up_form
from selfhelp.content import get_catalogue
from selfhelp.courses import forms, queries
from selfhelp.courses.models import Application, Cohort, CourseSession
from selfhelp.courses.queries import cohort_form_choices, prefill_form
from selfhelp.courses.services import admission
from selfhelp.courses.services import roster as roster_rules
from selfhelp.courses.services import cohorts as cohort_rules
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.security import roles_required
from selfhelp.courses.models import ACTIVE_APPLICATION_STATES as ACTIVE_STATES
from selfhelp.courses.models import ApplicationState, CohortState, SessionState
from selfhelp.csv_export import safe_cell

bp = Blueprint("courses_leader", __name__, url_prefix="/leader")

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
    "reason_missing": _l("Skriv en kort begrunnelse for avslaget."),
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
    return render_template("courses/leader/cohorts.html", cohorts=queries.cohorts_led_by(current_user),
                           courses=get_catalogue().courses)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def new_cohort():
    form = forms.CohortForm()
    cohort_form_choices(form, current_user)
    if not form.is_submitted():
        prefill_form(form, None, current_user, _today())
    if form.validate_on_submit():
        course = get_catalogue().courses.get(form.course.data)
        if course is None:
            form.course.errors.append(_("Velg kurs."))
        else:
            try:
                cohort = cohort_rules.create_cohort(current_user, form.plan(), course, clock.now(), _today())
            except cohort_rules.CohortError as error:
                getattr(form, error.field).errors.append(str(PLAN_MESSAGES[error.code]))
            else:
                flash(_("Kurset er lagret som utkast. Sjekk timeplanen før du publiserer."), "success")
                return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def edit_cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    if cohort.state != CohortState.DRAFT:
        flash(_("Et publisert kurs endres ved å flytte eller avlyse enkeltsamlinger."), "info")
        return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    form = forms.CohortForm()
    cohort_form_choices(form, current_user)
    if not form.is_submitted():
        prefill_form(form, cohort, current_user, _today())
    if form.validate_on_submit():
        course = get_catalogue().courses.get(form.course.data)
        try:
            cohort_rules.update_draft(current_user, cohort, form.plan(), course, clock.now(), _today())
        except cohort_rules.CohortError as error:
            getattr(form, error.field or "course").errors.append(str(PLAN_MESSAGES.get(error.code, error.code)))
        else:
            flash(_("Endringene er lagret, og timeplanen er laget på nytt."), "success")
            return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/cohort_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required("course_leader")
def cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    page = queries.cohort_page(current_user, cohort, clock.now())
    return render_template("courses/leader/cohort.html", cohort=cohort, course=_course(cohort),
                           counts=page.counts, action_form=EmptyForm(),
                           municipality_name=municipality_name, review_rows=page.review_rows,
                           flag_rows=page.flags,
                           flag_forms={r.flag.id: follow_up_form(r.flag.id, formdata=None)
                                       for r in page.flags if r.may_act}, outcomes=OUTCOME_LABELS)


@bp.route("/cohorts/<int:cohort_id>/publish", methods=["POST"])
@roles_required("course_leader")
def publish(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    try:
        cohort_rules.publish(current_user, cohort, clock.now())
    except cohort_rules.CohortError:
        abort(400)
    flash(_("Kurset er publisert, og innbyggere kan søke."), "success")
    return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/cancel", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def cancel_cohort(cohort_id: int):
    """GET: who is told and what they read; POST (with a reason): cancel the whole course."""
    cohort = _my_cohort(cohort_id)
    if cohort.state == CohortState.CANCELLED:
        flash(_("Kurset er allerede avlyst."), "info")
        return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    form = forms.CancelForm()
    if form.validate_on_submit():
        cohort_rules.cancel_cohort(current_user, cohort, form.reason.data, clock.now())
        flash(_("Kurset er avlyst, og alle søkere får beskjed."), "success")
        return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    confirmation = queries.cancel_cohort_confirmation(current_user, cohort, clock.now())
    return render_template("courses/leader/confirm_cancel_cohort.html", cohort=cohort,
                           course=_course(cohort), form=form, confirmation=confirmation)


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
            cohort_rules.move_session(current_user, cohort, session, form.date.data, form.time.data, clock.now())
        except cohort_rules.CohortError as error:
            form.date.errors.append(_("En samling kan ikke flyttes til et tidspunkt som har vært.")
                                    if error.code == "in_past" else _("En avlyst samling kan ikke flyttes."))
        else:
            flash(_("Samlingen er flyttet, og deltakerne får beskjed."), "success")
            return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    return render_template("courses/leader/move_session.html", cohort=cohort, session=session, form=form)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def cancel_session(cohort_id: int, session_id: int):
    """GET: who is told and the exact message; POST (with a reason): cancel the session."""
    cohort = _my_cohort(cohort_id)
    session = _session(cohort, session_id)
    if session.state == SessionState.CANCELLED or cohort.state == CohortState.CANCELLED:
        flash(_("Samlingen er allerede avlyst."), "info")
        return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    form = forms.CancelForm()
    if form.validate_on_submit():
        cohort_rules.cancel_session(current_user, cohort, session, form.reason.data, clock.now())
        flash(_("Samlingen er avlyst, og deltakerne får beskjed."), "success")
        return redirect(url_for("courses_leader.cohort", cohort_id=cohort.id))
    confirmation = queries.cancel_session_confirmation(current_user, cohort, session, clock.now())
    return render_template("courses/leader/confirm_cancel_session.html", cohort=cohort,
                           course=_course(cohort), session=session, form=form,
                           confirmation=confirmation)


@bp.route("/cohorts/<int:cohort_id>/applications")
@roles_required("course_leader")
def applications(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    rows = queries.applications_page(current_user, cohort, clock.now())
    return render_template("courses/leader/applications.html", cohort=cohort, course=_course(cohort),
                           rows=rows, positions=admission.waitlist_positions(cohort.id))


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>")
@roles_required("course_leader")
def application(cohort_id: int, application_id: int):
    cohort = _my_cohort(cohort_id)
    application = _application(cohort, application_id)
    screening = queries.application_page(current_user, application, clock.now())
    course = _course(cohort)
    return render_template(
        "courses/leader/application.html", cohort=cohort, course=course, application=application,
        screening=screening, needs_guardian=admission.needs_guardian(application.resident, cohort, course),
        positions=admission.waitlist_positions(cohort.id), action_form=EmptyForm(),
        pretalk_form=forms.PretalkForm())


def _decide(cohort_id: int, application_id: int, act):
    cohort = _my_cohort(cohort_id)
    application = _application(cohort, application_id)
    try:
        message = act(cohort, application, _course(cohort))
    except admission.AdmissionError as error:  # the services leave nothing behind
        flash(str(ADMISSION_MESSAGES.get(error.code, error.code)), "error")
    else:
        flash(message, "success")
    return redirect(url_for("courses_leader.application", cohort_id=cohort_id, application_id=application_id))


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/admit", methods=["POST"])
@roles_required("course_leader")
def admit(cohort_id: int, application_id: int):
    def act(cohort, application, course):
        outcome = admission.admit(current_user, application, course, clock.now())
        return _("Søkeren er tatt opp.") if outcome == ApplicationState.ADMITTED else \
            _("Kurset er fullt. Søkeren er satt på ventelisten.")
    return _decide(cohort_id, application_id, act)


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/decline", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def decline(cohort_id: int, application_id: int):
    """GET: what the applicant is told; POST (with a reason): decline."""
    cohort = _my_cohort(cohort_id)
    application = _application(cohort, application_id)
    back = url_for("courses_leader.application", cohort_id=cohort_id, application_id=application_id)
    if application.state not in ACTIVE_STATES:
        flash(str(ADMISSION_MESSAGES["not_pending"]), "info")
        return redirect(back)
    form = forms.DeclineForm()
    if form.validate_on_submit():
        try:
            admission.decline(current_user, application, form.reason.data, _course(cohort), clock.now(),
                              show_reason=bool(form.show_reason.data))
        except admission.AdmissionError as error:
            flash(str(ADMISSION_MESSAGES.get(error.code, error.code)), "error")
        else:
            flash(_("Søknaden er avslått."), "success")
        return redirect(back)
    confirmation = queries.decline_confirmation(current_user, application, clock.now())
    return render_template("courses/leader/confirm_decline.html", cohort=cohort, course=_course(cohort),
                           application=application, form=form, confirmation=confirmation)


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>/pretalk", methods=["POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def pretalk(cohort_id: int, application_id: int):
    form = forms.PretalkForm()
    if not form.validate_on_submit():
        flash(_("Skriv dato og klokkeslett for forsamtalen."), "error")
        return redirect(url_for("courses_leader.application", cohort_id=cohort_id, application_id=application_id))
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
        roster_rules.add_note(current_user, cohort, form.text.data, clock.now())
        flash(_("Notatet er lagret."), "success")
        return redirect(url_for("courses_leader.roster", cohort_id=cohort.id) + "#notes")
    page = queries.roster_page(current_user, cohort, clock.now())
    return render_template("courses/leader/roster.html", cohort=cohort, people=page.people,
                           waiting=page.waiting, marks=page.marks, notes=page.notes, form=form)


@bp.route("/cohorts/<int:cohort_id>/roster.csv")
@roles_required("course_leader")
def roster_csv(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    people = queries.roster_export(current_user, cohort, clock.now())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Navn"), _("E-post"), _("Telefon"), _("Fødselsdato"), _("Tatt opp")])
    for application in people:
        resident = application.resident
        writer.writerow([safe_cell(resident.name), resident.email, resident.phone or "",
                         resident.birth_date.isoformat() if resident.birth_date else "",
                         clock.local(application.decided_at).date().isoformat() if application.decided_at else ""])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="deltakere-{cohort.course_code}-{cohort.id}.csv"'})


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles_required("course_leader")
@validates_csrf_in_form
def attendance(cohort_id: int, session_id: int):
    cohort = _my_cohort(cohort_id)
    session = _session(cohort, session_id)
    form = EmptyForm()
    if form.validate_on_submit():
        marks = {int(k[2:]): v for k, v in request.form.items() if k.startswith("a-") and k[2:].isdigit()}
        roster_rules.record_attendance(current_user, session, marks, clock.now())
        flash(_("Oppmøtet er lagret."), "success")
        return redirect(url_for("courses_leader.roster", cohort_id=cohort.id))
    people, current = queries.attendance_page(current_user, session, clock.now())
    return render_template("courses/leader/attendance.html", cohort=cohort, session=session,
                           people=people, current=current, form=form)
