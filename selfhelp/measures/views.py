"""The resident's own results over time, and the calm page shown after a risk answer."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from selfhelp.measures.charts import charts_for
from selfhelp.measures.services import results_of
from selfhelp.i18n import current_locale
from selfhelp.security import roles_required

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
    return render_template("measures/support.html")
