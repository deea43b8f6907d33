"""Admins assign guides (the platform proposes one) and set the feedback deadline."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.checkins import forms, queries, services
from selfhelp.checkins.models import GuideSettings
from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.i18n import localized
from selfhelp.forms import validates_csrf_in_form
from selfhelp.security import roles_required

bp = Blueprint("checkins_admin", __name__, url_prefix="/admin")


@bp.route("/guides")
@roles_required("admin")
def assignments():
    programs = get_catalogue().programs
    guides = services.guides_for_any(current_user.municipality_codes)
    filters = forms.AssignmentFilterForm(request.args)
    filters.set_choices(guides, [(slug, localized(p.title)) for slug, p in programs.items() if p.guided])
    page = queries.assignments_page(current_user, clock.now(), _assignment_filter(filters), guides)
    form = forms.AssignForm()
    form.guide.choices = [
        (g.id, _("%(name)s – %(n)d i oppfølging nå", name=g.shown_name, n=page.sizes[g.id]))
        for g in page.guides]
    return render_template("checkins/admin_assignments.html", page=page, form=form, filters=filters,
                           programs=programs)


def _assignment_filter(form: forms.AssignmentFilterForm) -> queries.AssignmentFilter:
    """What the filter form asks for; a choice that is not in a list is an error on the form and
    filters nothing."""
    form.validate()
    for f in (form.show, form.guide, form.program):
        if f.data and f.data not in {key for key, _label in f.choices}:
            f.errors = [_("Velg fra listen.")]
    guide = form.guide.data if form.guide.data and not form.guide.errors else None
    return queries.AssignmentFilter(
        text="" if form.text.errors else (form.text.data or ""),
        show=form.show.data if form.show.data in queries.ASSIGNMENT_SHOWS and not form.show.errors else "all",
        guide_id=int(guide) if guide else None,
        program_slug=form.program.data if form.program.data and not form.program.errors else None)


@bp.route("/guides/<int:enrolment_id>/assign", methods=["POST"])
@roles_required("admin")
@validates_csrf_in_form
def assign(enrolment_id: int):
    row = next(((e, u) for e, u in queries.guided_enrolments(current_user) if e.id == enrolment_id), None)
    if row is None:
        abort(404)
    form = forms.AssignForm()
    guide = next((g for g in services.guides_for_any(current_user.municipality_codes)
                  if g.id == form.guide.data), None) if form.validate_on_submit() else None
    if guide is None:
        flash(_("Velg en veileder fra lista."), "error")
        return redirect(url_for("checkins_admin.assignments"))
    services.assign_guide(current_user, row[0], guide, clock.now())
    flash(_("%(guide)s er veileder for %(name)s.", guide=guide.shown_name, name=row[1].name), "success")
    return redirect(url_for("checkins_admin.assignments"))


@bp.route("/guide-settings", methods=["GET", "POST"])
@roles_required("admin")
@validates_csrf_in_form
def settings():
    form = forms.GuideSettingsForm()
    if not form.is_submitted():
        existing = db.scalar(select(GuideSettings).where(
            GuideSettings.municipality_code.in_(sorted(current_user.municipality_codes))).limit(1))
        form.feedback_due_days.data = existing.feedback_due_days if existing else 2
    if form.validate_on_submit():
        services.set_feedback_due_days(current_user, current_user.municipality_codes,
                                       form.feedback_due_days.data)
        flash(_("Innstillingene er lagret."), "success")
        return redirect(url_for("checkins_admin.settings"))
    return render_template("checkins/admin_settings.html", form=form)
