"""Filling the cohort form's choices and turning it into a plan (keeps the views thin)."""
from __future__ import annotations

from datetime import time, timedelta

from flask_login import current_user
from sqlalchemy import select

from selfhelp import clock
from selfhelp.accounts.models import StaffMunicipality, User, UserRole
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.content import get_catalogue
from selfhelp.courses.models import Cohort
from selfhelp.courses.services import CohortPlan
from selfhelp.db import db
from selfhelp.templating import localized


def cohort_form_choices(form) -> None:
    courses = get_catalogue().courses.values()
    form.course.choices = [(c.code, f"{c.code} – {localized(c.name)}") for c in courses]
    mine = sorted(current_user.municipality_codes)
    form.municipality.choices = [(code, municipality_name(code)) for code in mine]
    leaders = db.scalars(select(User).join(UserRole).where(UserRole.role == "course_leader",
                                                           User.active.is_(True))
                         .join(StaffMunicipality).where(StaffMunicipality.municipality_code.in_(mine))
                         .distinct().order_by(User.name)).all()
    labels = {"kid_leader": "KiD", "kib_leader": "KiB", "du_leader": "DU"}
    form.leaders.choices = [
        (u.id, f"{u.shown_name} ({', '.join(sorted(labels[q] for q in u.qualification_names)) or '–'})")
        for u in leaders]


def prefill_form(form, cohort: Cohort | None) -> None:
    if cohort is None:
        today = clock.local(clock.now()).date()
        course = next(iter(get_catalogue().courses.values()))
        form.course.data = course.code
        form.leaders.data = [current_user.id]
        form.municipality.data = next(iter(sorted(current_user.municipality_codes)), None)
        form.start_time.data = time(18, 0)
        form.first_date.data = today + timedelta(weeks=6)
        form.application_deadline.data = today + timedelta(weeks=4)
        form.capacity.data = course.group_default
        return
    for name in ("online", "place", "room", "video_link", "first_date", "start_time", "capacity",
                 "application_deadline", "open_to_other_municipalities", "auto_admit", "remind_two_hours"):
        getattr(form, name).data = getattr(cohort, name)
    form.course.data = cohort.course_code
    form.municipality.data = cohort.municipality_code
    form.leaders.data = sorted(cohort.leader_ids)
    form.skip_dates.data = ", ".join(cohort.skip_dates or [])


def plan_from_form(form) -> CohortPlan:
    return CohortPlan(
        course_code=form.course.data, leader_ids=list(form.leaders.data or []),
        municipality_code=form.municipality.data, first_date=form.first_date.data,
        start_time=form.start_time.data, capacity=form.capacity.data,
        application_deadline=form.application_deadline.data, online=bool(form.online.data),
        place=(form.place.data or "").strip() or None, room=(form.room.data or "").strip() or None,
        video_link=(form.video_link.data or "").strip() or None,
        open_to_other_municipalities=bool(form.open_to_other_municipalities.data),
        auto_admit=bool(form.auto_admit.data), remind_two_hours=bool(form.remind_two_hours.data),
        skip_dates=form.skip_date_values())
