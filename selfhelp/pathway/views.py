"""Assessment note and plan pages for staff who serve a resident, the review decision, the
resident's own plan, and the municipality's note template (admin)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.forms import validates_csrf_in_form
from selfhelp.pathway import forms, queries, services
from selfhelp.security import roles_required
from selfhelp.dates import day
from selfhelp.accounts.models import Role

bp = Blueprint("pathway", __name__)

STAFF = (Role.GUIDE, Role.COURSE_LEADER, Role.ADMIN)
ERRORS = {"empty": _l("Skriv noe i notatet før du lagrer."),
          "help_missing": _l("Skriv hvilken hjelp planen gir."),
          "reason_missing": _l("Skriv hvorfor dere valgte dette."),
          "decision": _l("Velg en beslutning."),
          "already_decided": _l("Denne vurderingen er allerede registrert.")}


def _served(resident_id: int) -> tuple[User, str]:
    """The resident and the role the current user serves them in; anyone else is 'not found'."""
    served = queries.served_resident(current_user, resident_id, clock.local(clock.now()).date())
    if served is None:
        abort(404)
    return served


@bp.route("/pathway/residents/<int:resident_id>")
@roles_required(*STAFF)
def resident(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    page = queries.resident_page(current_user, role, resident, now, clock.local(now).date())
    return render_template("pathway/resident.html", resident=resident, labels=forms.DECISION_LABELS,
                           **page)


@bp.route("/pathway/residents/<int:resident_id>/assessment", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def assessment(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    form = forms.AssessmentForm()
    if not form.is_submitted():
        prefill = queries.prefilled_assessment(resident, day)
        form.process(data=vars(prefill))
    elif form.validate():
        text = services.AssessmentText(**{name: form[name].data or "" for name in
                                          services.AssessmentText.__dataclass_fields__})
        services.save_assessment(current_user, role, resident, text, now)
        flash(_("Kartleggingen er lagret som en ny versjon."), "success")
        return redirect(url_for("pathway.resident", resident_id=resident.id))
    return render_template("pathway/assessment.html", resident=resident, form=form,
                           current=queries.assessment_page(current_user, role, resident, now))


@bp.route("/pathway/residents/<int:resident_id>/plan", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def plan(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    form = forms.PlanForm()
    if form.is_submitted() and form.validate():
        services.save_plan(current_user, role, resident,
                           services.PlanText(form.help.data, form.frequency.data, form.evaluate_on.data), now)
        flash(_("Planen er lagret som en ny versjon."), "success")
        return redirect(url_for("pathway.resident", resident_id=resident.id))
    current = queries.plan_page(current_user, role, resident, now)
    if not form.is_submitted() and current is not None:
        form.process(data={"help": current.help, "frequency": current.frequency,
                           "evaluate_on": current.evaluate_on})
    return render_template("pathway/plan.html", resident=resident, form=form, current=current)


@bp.route("/pathway/residents/<int:resident_id>/review", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def review(resident_id: int):
    """Record the decision of an open stepped-care review ("Vurder planen")."""
    resident, role = _served(resident_id)
    now = clock.now()
    context, checkpoint = request.values.get("context", ""), request.values.get("checkpoint", "")
    item = queries.open_review(resident.id, context, checkpoint, clock.local(now).date())
    if item is None:
        if request.method == "POST":
            flash(_("Denne vurderingen er allerede registrert, eller den trengs ikke lenger."), "info")
        return redirect(url_for("pathway.resident", resident_id=resident.id))
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            services.record_decision(current_user, role, resident, context, checkpoint,
                                     form.decision.data, form.reason.data, now)
        except services.PathwayError as error:
            form.form_errors.append(str(ERRORS[error.code]))
        else:
            flash(_("Beslutningen er registrert og er nå en del av planen."), "success")
            back = request.form.get("back")
            if back == "queue" and current_user.has_role("guide"):
                return redirect(url_for("checkins.index"))
            return redirect(url_for("pathway.resident", resident_id=resident.id))
    queries.review_page(current_user, role, resident, now)
    return render_template("pathway/review.html", resident=resident, form=form, item=item,
                           back=request.values.get("back", ""))


@bp.route("/my-plan")
@roles_required("resident")
def mine():
    """The resident reads their own current plan and assessment, and the decisions made."""
    return render_template("pathway/mine.html", plan=queries.current_plan(current_user.id),
                           assessment=queries.current_assessment(current_user.id),
                           decisions=queries.decisions(current_user.id), labels=forms.DECISION_LABELS)


@bp.route("/pathway/template", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def template():
    """The text that pre-fills a new assessment note, per municipality."""
    codes = sorted(current_user.municipality_codes)
    if not codes:
        abort(404)
    form = forms.TemplateForm()
    form.municipality.choices = [(code, municipality_name(code)) for code in codes]
    chosen = request.values.get("municipality") if request.values.get("municipality") in codes else codes[0]
    if form.is_submitted() and request.form.get("do") == "save" and form.validate():
        services.save_template(current_user, chosen, {name: form[name].data for name in services.TEMPLATE_FIELDS},
                               clock.now())
        flash(_("Malen er lagret. Nye kartlegginger i kommunen fylles ut med den."), "success")
        return redirect(url_for("pathway.template", municipality=chosen))
    if not form.is_submitted() or request.form.get("do") != "save":
        form.process(data={"municipality": chosen, **queries.template_for(chosen)})
    return render_template("pathway/template.html", form=form, chosen=chosen)
