"""Admins assign guides (the platform proposes one) and set the feedback deadline."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.accounts.models import User
from selfhelp.audit.services import record as audit
from selfhelp.checkins import forms, services
from selfhelp.checkins.models import GuideAssignment, GuideSettings
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.forms import validates_csrf_in_form
from selfhelp.programs.models import Enrolment
from selfhelp.security import roles_required

bp = Blueprint("guide_admin", __name__, url_prefix="/admin")


def _guided_enrolments():
    guided = [slug for slug, p in get_catalogue().programs.items() if p.guided]
    return db.execute(select(Enrolment, User).join(User, User.id == Enrolment.resident_id)
                      .where(Enrolment.program_slug.in_(guided), Enrolment.state != "finished",
                             User.municipality_code.in_(sorted(current_user.municipality_codes)))
                      .order_by(Enrolment.started_at)).all()


@bp.route("/guides")
@roles_required("admin")
def assignments():
    rows = _guided_enrolments()
    current = {a.enrolment_id: a for a in db.scalars(select(GuideAssignment).where(
        GuideAssignment.enrolment_id.in_([e.id for e, _u in rows]), GuideAssignment.ended_at.is_(None)))}
    guides = services.guides_for_any(current_user.municipality_codes)
    sizes = services.caseload_sizes([g.id for g in guides])
    serving: dict[str, list[User]] = {}
    for guide in guides:
        for code in guide.municipality_codes:
            serving.setdefault(code, []).append(guide)
    proposals = {}
    for enrolment, resident in rows:
        candidates = serving.get(resident.municipality_code, [])
        if candidates and enrolment.id not in current:
            proposals[enrolment.id] = min(candidates, key=lambda g: (sizes[g.id], g.name)).id
    audit(current_user, "admin", [u.id for _e, u in rows], "guide_assignments", "view", clock.now())
    db.commit()
    form = forms.AssignForm()
    form.guide.choices = [(g.id, f"{g.shown_name} ({sizes[g.id]})") for g in guides]
    return render_template("checkins/admin_assignments.html", rows=rows, current=current, form=form,
                           proposals=proposals, programs=get_catalogue().programs)


@bp.route("/guides/<int:enrolment_id>/assign", methods=["POST"])
@roles_required("admin")
@validates_csrf_in_form
def assign(enrolment_id: int):
    row = next(((e, u) for e, u in _guided_enrolments() if e.id == enrolment_id), None)
    if row is None:
        abort(404)
    form = forms.AssignForm()
    guide = next((g for g in services.guides_for_any(current_user.municipality_codes)
                  if g.id == form.guide.data), None) if form.validate_on_submit() else None
    if guide is None:
        flash(_("Velg en veileder fra lista."), "error")
        return redirect(url_for("guide_admin.assignments"))
    services.assign_guide(current_user, row[0], guide, clock.now())
    audit(current_user, "admin", [row[1].id], "guide_assignment", "change", clock.now(), record_id=enrolment_id)
    db.commit()
    flash(_("%(guide)s er veileder for %(name)s.", guide=guide.shown_name, name=row[1].name), "success")
    return redirect(url_for("guide_admin.assignments"))


@bp.route("/guide-settings", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def settings():
    codes = sorted(current_user.municipality_codes)
    existing = {s.municipality_code: s for s in db.scalars(
        select(GuideSettings).where(GuideSettings.municipality_code.in_(codes)))}
    form = forms.GuideSettingsForm()
    if not form.is_submitted():
        form.feedback_due_days.data = next(iter(existing.values())).feedback_due_days if existing else 2
    if form.validate_on_submit():
        for code in codes:
            setting = existing.get(code) or GuideSettings(municipality_code=code)
            setting.feedback_due_days = form.feedback_due_days.data
            db.add(setting)
        db.commit()
        flash(_("Innstillingene er lagret."), "success")
        return redirect(url_for("guide_admin.settings"))
    return render_template("checkins/admin_settings.html", form=form)
