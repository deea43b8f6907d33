"""Resident pages for group courses: find, apply, follow your application, your course, calendar."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from selfhelp import clock
from selfhelp.accounts.municipalities import choices as municipality_choices
from selfhelp.content import get_catalogue
from selfhelp.courses import forms
from selfhelp.courses.calendar import calendar_for
from selfhelp.courses.models import Application, ApplicationState, Cohort, CohortState
from selfhelp.courses.outcomes import due_course_questionnaires
from selfhelp.courses.queries import applications_of, next_session, open_cohorts
from selfhelp.courses.services import admission, drafts
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.measures import services as measures
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.questionnaire_page import questionnaire_page
from selfhelp.security import roles_required

bp = Blueprint("courses", __name__, url_prefix="/courses")

REFUSALS = {
    "closed": _l("Søknadsfristen har gått ut, eller kurset tar ikke imot søknader nå."),
    "too_young": _l("Du er under aldersgrensen for dette kurset."),
    "too_old": _l("Du er over aldersgrensen for dette kurset."),
    "other_municipality": _l("Kurset er bare for innbyggere i kommunen som holder det."),
    "no_birth_date": _l("Vi mangler fødselsdatoen din."),
    "already_applied": _l("Du har allerede søkt på dette kurset."),
    "guardian_missing": _l("Når du er under 16 år, trenger vi navn og kontaktinformasjon til en forelder eller foresatt."),
}


def _course(code: str):
    course = get_catalogue().courses.get(code)
    if course is None:
        abort(404)
    return course


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or cohort.state == CohortState.DRAFT:
        abort(404)
    return cohort


def _own_application(application_id: int) -> Application:
    application = db.get(Application, application_id)
    if application is None or application.resident_id != current_user.id:
        abort(404)
    return application


@bp.route("/")
@roles_required("resident")
def index():
    form = forms.FilterForm(request.args)
    form.course.choices = [("", _("Alle kurs"))] + [(c.code, c.code) for c in get_catalogue().courses.values()]
    form.municipality.choices = [("", _("Alle kommuner"))] + municipality_choices()
    if not request.args:
        form.municipality.data = current_user.municipality_code
    for select_field, message in ((form.course, _("Velg et kurs fra listen.")),
                                  (form.municipality, _("Velg en kommune fra listen."))):
        if select_field.data and select_field.data not in {key for key, _label in select_field.choices}:
            select_field.errors = [message]
            select_field.data = ""  # an unknown value filters nothing: show every course
    today = clock.local(clock.now()).date()
    cohorts = db.scalars(open_cohorts(today, form.course.data or None, form.municipality.data or None,
                                      bool(form.online.data))).all()
    return render_template("courses/index.html", form=form, cohorts=cohorts,
                           courses=get_catalogue().courses, today=today)


@bp.route("/<int:cohort_id>")
@roles_required("resident")
def cohort(cohort_id: int):
    """The cohort's facts and schedule; "Søk på kurset" leads to the application's first step
    (courses/apply_views.py)."""
    cohort = _cohort(cohort_id)
    course = _course(cohort.course_code)
    today = clock.local(clock.now()).date()
    problems = admission.eligibility_problems(current_user, cohort, course, today)
    mine = admission.latest_application(current_user, cohort)
    begun = drafts.draft_of(current_user, cohort) is not None
    return render_template("courses/cohort.html", cohort=cohort, course=course, problems=problems,
                           refusals=REFUSALS, mine=mine, begun=begun)


@bp.route("/mine")
@roles_required("resident")
def mine():
    now = clock.now()
    applications = db.scalars(applications_of(current_user).options(
        selectinload(Application.cohort).selectinload(Cohort.sessions))).all()
    positions = admission.waitlist_positions(
        *{a.cohort_id for a in applications if a.state == ApplicationState.WAITLISTED})
    due = due_course_questionnaires(current_user, applications, clock.local(now).date())
    return render_template("courses/mine.html", applications=applications, positions=positions,
                           courses=get_catalogue().courses, now=now, next_session=next_session,
                           due=due)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@roles_required("resident")
def withdraw(application_id: int):
    """GET asks first ("Er du sikker?"); only the POST from that page withdraws the application
    or, for someone admitted, gives up the place in the course."""
    application = _own_application(application_id)
    if application.state not in admission.ACTIVE:
        flash(_("Denne søknaden er allerede avsluttet."), "info")
        return redirect(url_for("courses.mine"))
    course = _course(application.cohort.course_code)
    if request.method == "GET":
        return render_template("courses/withdraw.html", application=application, course=course,
                               form=EmptyForm(), waitlisted=application.state == ApplicationState.WAITLISTED)
    admitted = application.state == ApplicationState.ADMITTED
    try:
        admission.withdraw(current_user, application, course, clock.now())
    except admission.AdmissionError:
        abort(400)
    flash(_("Du har meldt deg av kurset.") if admitted else _("Du har trukket søknaden."), "success")
    return redirect(url_for("courses.mine"))


@bp.route("/calendar/<token>.ics")
def calendar(token: str):
    """A calendar subscription for one participant (calendar apps cannot log in: the link is the key)."""
    application = db.scalar(select(Application).where(Application.calendar_token == token))
    if application is None or application.state != ApplicationState.ADMITTED:
        abort(404)
    body = calendar_for(application, clock.now())
    return Response(body, mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="selfhelp-kurs.ics"'})


@bp.route("/applications/<int:application_id>/questionnaires/<code>/<occasion>", methods=["GET", "POST"])
@roles_required("resident")
@validates_csrf_in_form
def questionnaire(application_id: int, code: str, occasion: str):
    """Before/after measures at the first, last weekly and follow-up sessions."""
    application = _own_application(application_id)
    today = clock.local(clock.now()).date()
    due = {(d.code, d.occasion) for d in due_course_questionnaires(current_user, [application], today)
           .get(application.id, [])}
    measure = get_measures().get(code)
    if measure is None or (code, occasion) not in due:
        flash(_("Dette spørreskjemaet er allerede besvart, eller det er ikke tid for det nå."), "info")
        return redirect(url_for("courses.mine"))
    return questionnaire_page(measure, lambda form: measures.answer(
        current_user, measure, f"cohort:{application.cohort_id}", occasion, form, clock.now()),
        url_for("courses.mine"), program=None, back=url_for("courses.mine"))
