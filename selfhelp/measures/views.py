"""The resident's own results over time, and the calm page shown after a risk answer."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template
from flask_login import current_user

from selfhelp.clock import local
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.graph import Point, render_graph, render_table_rows
from selfhelp.measures.services import reliable_change_of, results_of
from selfhelp.programs.views_support import current_locale
from selfhelp.security import roles_required

bp = Blueprint("measures", __name__)


@bp.route("/progress")
@roles_required("resident")
def progress():
    """Every questionnaire the resident has answered, as a graph with a table beside it."""
    locale = current_locale()
    measures = get_measures()
    results = sorted((r for r in results_of(current_user) if r.measure_code in measures),
                     key=lambda r: (r.measure_code, r.answered_at))
    charts = []
    for code, group in groupby(results, key=lambda r: r.measure_code):
        rows = list(group)
        measure = measures[code]
        points = [Point(local(r.answered_at).date(), r.score) for r in rows]
        reliable = reliable_change_of(measure, rows)
        title = measure.name.get(locale) or measure.name["nb"]
        charts.append({"measure": measure, "title": title, "reliable": reliable,
                       "svg": render_graph(measure, points, locale, title, reliable),
                       "table": render_table_rows(measure, points, locale)})
    return render_template("measures/progress.html", charts=charts)


@bp.route("/support")
@roles_required("resident")
def support():
    return render_template("measures/support.html")
