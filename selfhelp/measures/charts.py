"""Graphs with a table beside them for a person's questionnaire results (resident and guide pages)."""
from __future__ import annotations

from itertools import groupby

from selfhelp.clock import local
from selfhelp.i18n import localized
from selfhelp.measures.definitions import get_measures
from selfhelp.measures.graph import Point, render_graph, render_table_rows
from selfhelp.measures.models import MeasureResult
from selfhelp.measures.services import reliable_change_of


def charts_for(results: list[MeasureResult], locale: str) -> list[dict]:
    measures = get_measures()
    ordered = sorted((r for r in results if r.measure_code in measures),
                     key=lambda r: (r.measure_code, r.answered_at, r.id))
    charts = []
    for code, group in groupby(ordered, key=lambda r: r.measure_code):
        rows = list(group)
        measure = measures[code]
        points = [Point(local(r.answered_at).date(), r.score) for r in rows]
        reliable = reliable_change_of(measure, rows)
        title = localized(measure.name, locale)
        charts.append({"measure": measure, "title": title, "reliable": reliable,
                       "svg": render_graph(measure, points, locale, title, reliable),
                       "table": render_table_rows(measure, points, locale), "latest": rows[-1]})
    return charts
