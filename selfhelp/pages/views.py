"""Public pages, the dashboard and language choice."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from selfhelp import clock
from selfhelp.accounts.services import set_locale
from selfhelp.checkins.thread import dashboard_checkins
from selfhelp.programs.queries import resident_overview
from selfhelp.i18n import LANG_COOKIE, LANGUAGES
from selfhelp.pathway.queries import current_plan
from selfhelp.security import safe_next

bp = Blueprint("pages", __name__)


@bp.route("/")
def index():
    return render_template("pages/index.html")


@bp.route("/help")
def crisis():
    return render_template("pages/crisis.html")


@bp.route("/terms")
def terms():
    return render_template("pages/terms.html")


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/om")
def about():
    """Om tjenesten: who runs the service, what it offers, how to reach the team and when."""
    return render_template("pages/about.html", day_starts=clock.DAY_STARTS, day_ends=clock.DAY_ENDS)


#: The day the accessibility statement was last checked against the service; change it with the text.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 12, 6)


@bp.route("/tilgjengelighet")
def accessibility():
    """Tilgjengelighetserklæring: the accessibility statement Norwegian public web services must have."""
    return render_template("pages/accessibility.html", statement_date=ACCESSIBILITY_STATEMENT_DATE)


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.is_staff and not current_user.is_resident:
        return render_template("pages/staff_home.html")
    now = clock.now()
    today = clock.local(now).date()
    overview = resident_overview(current_user, now)
    guided = [item.enrolment for item in overview if item.program.guided]
    return render_template("pages/dashboard.html", overview=overview, today=today,
                           checkins=dashboard_checkins(guided, today),
                           care_plan=current_plan(current_user.id))


@bp.route("/language", methods=["POST"])
def language():
    """Switch language; remembered in a cookie and, when logged in, on the profile."""
    chosen = request.form.get("language", "")
    target = safe_next(request.form.get("next")) or url_for("pages.index")
    response = make_response(redirect(target))
    if chosen in LANGUAGES:
        set_locale(current_user, chosen)
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response

