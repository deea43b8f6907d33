"""The resident's own results over time and the calm page shown after a risk answer. The
questionnaire page that programs and courses show is `selfhelp.measures.questionnaire_page`."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from selfhelp.accounts.municipalities import municipality_name
from selfhelp.measures.charts import charts_for
from selfhelp.measures.services import results_of
from selfhelp.i18n import current_locale
from selfhelp.security import roles_required, safe_next

bp = Blueprint("measures", __name__)


@bp.route("/progress")
@roles_required("resident")
def progress():
    """Every questionnaire the resident has answered, as a graph with a table beside it."""
    return render_template("measures/progress.html",
                           charts=charts_for(results_of(current_user), current_locale()))


@bp.route("/support")
@roles_required("resident")
def support():
    """The calm page after a risk answer: crisis contacts, and who will follow up (truthfully:
    the owner of the newest open flag — guide, course leader or the municipality's team)."""
    from selfhelp.care.services import open_task_of, who_follows_up  # care reads many domains

    return render_template("measures/support.html", follows_up=who_follows_up(current_user),
                           task=open_task_of(current_user))


@bp.route("/support/more-help")
@roles_required("resident")
def more_help():
    """After severe scores at intake: more than self-help may be needed, and where to get it.
    The person may still go on (low threshold)."""
    from selfhelp.care.services import open_task_of

    onward = safe_next(request.args.get("next")) or url_for("pages.dashboard")
    return render_template("measures/more_help.html", onward=onward,
                           task=open_task_of(current_user),
                           municipality=municipality_name(current_user.municipality_code or ""))
