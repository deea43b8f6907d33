"""Assessment note and plan pages for staff who serve a resident, the review decision, the
resident's own plan, and the municipality's note template (admin)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form
from selfhelp.pathway import forms, services
from selfhelp.pathway.access import serving_role
from selfhelp.pathway.review import open_reviews_for
from selfhelp.security import roles_required
from selfhelp.templating import local_date

bp = Blueprint("pathway", __name__)

STAFF = ("guide", "course_leader", "admin")
ERRORS = {"empty": _l("Skriv noe i notatet før du lagrer."),
          "help_missing": _l("Skriv hvilken hjelp planen gir."),
          "reason_missing": _l("Skriv hvorfor dere valgte dette."),
          "decision": _l("Velg en beslutning."),
          "already_decided": _l("Denne vurderingen er allerede registrert.")}


def _served(resident_id: int) -> tuple[User, str]:
    """The resident and the role the current user serves them in; anyone else is 'not found'."""
    resident = db.get(User, resident_id)
    if resident is None:
        abort(404)
    role = serving_role(current_user, resident, clock.local(clock.now()).date())
    if role is None:
        abort(404)
    return resident, role


def _history(resident_id: int) -> dict:
    return {"assessments": services.assessments(resident_id), "plans": services.plans(resident_id),
            "decisions": services.decisions(resident_id), "labels": forms.DECISION_LABELS}


@bp.route("/pathway/residents/<int:resident_id>")
@roles_required(*STAFF)
def resident(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    reviews = open_reviews_for(resident.id, clock.local(now).date())
    audit(current_user, role, [resident.id], "care_pathway", "view", now)
    db.commit()
    return render_template("pathway/resident.html", resident=resident, reviews=reviews,
                           **_history(resident.id))


@bp.route("/pathway/residents/<int:resident_id>/assessment", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def assessment(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    form = forms.AssessmentForm()
    if not form.is_submitted():
        prefill = services.prefilled_assessment(resident, lambda at: local_date(at, "long"))
        form.process(data=vars(prefill))
    elif form.validate():
        text = services.AssessmentText(**{name: form[name].data or "" for name in
                                          services.AssessmentText.__dataclass_fields__})
        services.save_assessment(current_user, role, resident, text, now)
        db.commit()
        flash(_("Kartleggingen er lagret som en ny versjon."), "success")
        return redirect(url_for("pathway.resident", resident_id=resident.id))
    audit(current_user, role, [resident.id], "assessment", "view", now)
    db.commit()
    return render_template("pathway/assessment.html", resident=resident, form=form,
                           current=services.current_assessment(resident.id))


@bp.route("/pathway/residents/<int:resident_id>/plan", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def plan(resident_id: int):
    resident, role = _served(resident_id)
    now = clock.now()
    form = forms.PlanForm()
    current = services.current_plan(resident.id)
    if not form.is_submitted() and current is not None:
        form.process(data={"help": current.help, "frequency": current.frequency,
                           "evaluate_on": current.evaluate_on})
    elif form.is_submitted() and form.validate():
        services.save_plan(current_user, role, resident,
                           services.PlanText(form.help.data, form.frequency.data, form.evaluate_on.data), now)
        db.commit()
        flash(_("Planen er lagret som en ny versjon."), "success")
        return redirect(url_for("pathway.resident", resident_id=resident.id))
    audit(current_user, role, [resident.id], "care_plan", "view", now)
    db.commit()
    return render_template("pathway/plan.html", resident=resident, form=form, current=current)


@bp.route("/pathway/residents/<int:resident_id>/review", methods=["GET", "POST"])
@roles_required(*STAFF)
@validates_csrf_in_form
def review(resident_id: int):
    """Record the decision of an open stepped-care review ("Vurder planen")."""
    resident, role = _served(resident_id)
    now = clock.now()
    context, checkpoint = request.values.get("context", ""), request.values.get("checkpoint", "")
    item = next((r for r in open_reviews_for(resident.id, clock.local(now).date())
                 if r.context == context and r.checkpoint == checkpoint), None)
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
            db.rollback()
            form.form_errors.append(str(ERRORS[error.code]))
        else:
            db.commit()
            flash(_("Beslutningen er registrert og er nå en del av planen."), "success")
            back = request.form.get("back")
            if back == "queue" and current_user.has_role("guide"):
                return redirect(url_for("guide.index"))
            return redirect(url_for("pathway.resident", resident_id=resident.id))
    audit(current_user, role, [resident.id], "care_pathway", "view", now)
    db.commit()
    return render_template("pathway/review.html", resident=resident, form=form, item=item,
                           back=request.values.get("back", ""))


@bp.route("/my-plan")
@roles_required("resident")
def mine():
    """The resident reads their own current plan and assessment, and the decisions made."""
    return render_template("pathway/mine.html", plan=services.current_plan(current_user.id),
                           assessment=services.current_assessment(current_user.id),
                           decisions=services.decisions(current_user.id), labels=forms.DECISION_LABELS)


@bp.route("/pathway/template", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def template():
    """The text that pre-fills a new assessment note, per municipality."""
    from selfhelp.accounts.municipalities import municipality_name

    codes = sorted(current_user.municipality_codes)
    if not codes:
        abort(404)
    form = forms.TemplateForm()
    form.municipality.choices = [(code, municipality_name(code)) for code in codes]
    chosen = request.values.get("municipality") if request.values.get("municipality") in codes else codes[0]
    if form.is_submitted() and request.form.get("do") == "save" and form.validate():
        services.save_template(current_user, chosen, {name: form[name].data for name in services.TEMPLATE_FIELDS},
                               clock.now())
        db.commit()
        flash(_("Malen er lagret. Nye kartlegginger i kommunen fylles ut med den."), "success")
        return redirect(url_for("pathway.template", municipality=chosen))
    if not form.is_submitted() or request.form.get("do") != "save":
        form.process(data={"municipality": chosen, **services.template_for(chosen)})
    return render_template("pathway/template.html", form=form, chosen=chosen)
