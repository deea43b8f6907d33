"""Server-rendered, accessible SVG graph of a person's scores on one measure.

The SVG uses presentation attributes and class names only: the Content-Security-Policy forbids
inline styles. It scales with its container (viewBox, width 100%), and the page shows a table
(``render_table_rows``) beside it as the text alternative.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from selfhelp import dates
from selfhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES, localized
from selfhelp.measures.definitions import Band, Measure
from selfhelp.svg import element, number

#: viewBox. Narrow, and the page caps the graph at about this width (.chart-figure), so one
#: viewBox unit is about one CSS pixel at every screen width: the text keeps its real size.
W, H = 360, 276
X0, X1, Y0, Y1 = 34, 350, 34, 226  # plot area
INSET = 26  # keeps the first and last point (and their labels) away from the edges
TEXT = "#1a1a1a"  # dark text: at least 12:1 against white and every band fill
LINE = "#1f4e79"
BAND_FILLS = ("#e8f3e8", "#fbf5dc", "#fde9d6", "#fbe0dc", "#f5d6e0")  # by severity, light
MARKER = {"improved": "#1b5e20", "deteriorated": "#8b1a1a"}
MIN_LABEL_GAP = 54  # x distance between date labels

_ids = itertools.count(1)



def _reliable_words(kind: str) -> str:
    return {"improved": _("Pålitelig bedring"), "deteriorated": _("Pålitelig forverring")}[kind]


def _higher_means() -> dict[bool, str]:
    """What a higher score means, by measure.higher_is_better."""
    return {True: _("høyere skår er bedre"), False: _("høyere skår betyr mer plager")}


@dataclass(frozen=True)
class Point:
    when: date
    score: int
    label: str | None = None


def _lang(locale: str) -> str:
    lang = (locale or "").replace("-", "_").split("_")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _text(x: float, y: float, content: str, size: int = 12, **attrs: object) -> Markup:
    return element("text", content, x=number(x), y=number(y), font_size=size, fill=TEXT, **attrs)


def day_month(when: date, lang: str) -> str:
    """Axis date: day and short month in the reader's language, e.g. "2. mar." / "2 Mar"."""
    return format_date(when, "d. MMM" if lang == "nb" else "d MMM", locale=dates.NB if lang == "nb" else dates.EN)


def cutoff_words(measure: Measure, lang: str) -> str:
    """The dashed line in plain words: the band it starts ("Moderat fra 10"), else "Grense 10"."""
    score = measure.cutoff.score
    band = next((b for b in measure.bands if b.min == score), None)
    if band is None:
        return _("Grense %(score)s", score=score)
    return _("%(band)s fra %(score)s", band=localized(band.label, lang), score=score)


class _Scale:
    """Maps scores and dates to viewBox coordinates; safe for one point or a zero span."""

    def __init__(self, measure: Measure, points: list[Point]) -> None:
        self.low, self.span = measure.range_min, max(measure.range_max - measure.range_min, 1)
        self.first = points[0].when if points else date.min
        self.days = (points[-1].when - self.first).days if points else 0

    def y(self, score: float) -> float:
        clamped = min(max(score, self.low), self.low + self.span)
        return Y1 - (clamped - self.low) / self.span * (Y1 - Y0)

    def x(self, when: date) -> float:
        if self.days == 0:
            return (X0 + X1) / 2
        return X0 + INSET + (when - self.first).days / self.days * (X1 - X0 - 2 * INSET)


def _nice_step(span: int) -> int:
    for step in itertools.chain.from_iterable((m, 2 * m, 5 * m) for m in (1, 10, 100, 1000)):
        if span / step <= 6:
            return step
    return span


def _bands(measure: Measure, scale: _Scale, lang: str) -> list[Markup]:
    """Light areas for the bands, split half-way between neighbouring whole scores."""
    out = []
    for band in measure.bands:
        top = scale.y(min(band.max + 0.5, measure.range_max))
        bottom = scale.y(max(band.min - 0.5, measure.range_min))
        fill = BAND_FILLS[min(band.severity, len(BAND_FILLS) - 1)]
        out.append(element("rect", x=X0, y=number(top), width=X1 - X0, height=number(bottom - top),
                       fill=fill, class_=f"band band-severity-{band.severity}"))
        if bottom - top >= 15:
            out.append(_text(X1 - 4, top + 12, localized(band.label, lang), 12,
                             text_anchor="end", class_="band-label"))
    return out


def _axes(measure: Measure, scale: _Scale, lang: str) -> list[Markup]:
    step = _nice_step(scale.span)
    out = [element("line", x1=X0, y1=Y0, x2=X0, y2=Y1, stroke=TEXT, class_="axis"),
           element("line", x1=X0, y1=Y1, x2=X1, y2=Y1, stroke=TEXT, class_="axis")]
    first_tick = -(-measure.range_min // step) * step
    for tick in range(first_tick, measure.range_max + 1, step):
        y = scale.y(tick)
        out.append(element("line", x1=X0 - 4, y1=number(y), x2=X0, y2=number(y), stroke=TEXT))
        out.append(_text(X0 - 6, y + 4, str(tick), 12, text_anchor="end", class_="tick"))
    note = "↑ " + _higher_means()[measure.higher_is_better]
    out.append(_text(X0, Y0 - 20, note, 12, class_="axis-note"))
    if measure.cutoff:
        y = number(scale.y(measure.cutoff.score - 0.5))  # between the last non-case and first case
        out.append(element("line", x1=X0, y1=y, x2=X1, y2=y, stroke=TEXT, stroke_width=1.5,
                       stroke_dasharray="6 4", class_="cutoff"))
        # Legend on its own line above the plot, where no point can cover it: a dash sample and
        # the line in words ("Moderat fra 10").
        out.append(element("line", x1=X0, y1=Y0 - 8, x2=X0 + 22, y2=Y0 - 8, stroke=TEXT,
                       stroke_width=1.5, stroke_dasharray="6 4"))
        out.append(_text(X0 + 28, Y0 - 4, cutoff_words(measure, lang), 12, class_="cutoff-label"))
    return out


def _date_labels(xs: list[float]) -> set[int]:
    """Indices of points whose date is printed: always the latest, then thinned backwards."""
    shown: list[int] = []
    for i in reversed(range(len(xs))):
        if not shown or xs[shown[-1]] - xs[i] >= MIN_LABEL_GAP:
            shown.append(i)
    return set(shown)


def _year_labels(points: list[Point], shown: set[int]) -> set[int]:
    """Of the dates printed, those that also get the year under them: the first, and each one
    whose year differs from the one printed before it."""
    out, year = set(), None
    for i in sorted(shown):
        if points[i].when.year != year:
            out.add(i)
            year = points[i].when.year
    return out


def _series(measure: Measure, points: list[Point], scale: _Scale, lang: str,
            reliable: str | None) -> list[Markup]:
    xs = [scale.x(p.when) for p in points]
    ys = [scale.y(p.score) for p in points]
    halo = {"stroke": "#ffffff", "stroke_width": 3, "paint_order": "stroke"}
    out = []
    if len(points) > 1:
        coords = " ".join(f"{number(x)},{number(y)}" for x, y in zip(xs, ys))
        out.append(element("polyline", points=coords, fill="none", stroke=LINE, stroke_width=2.5,
                       stroke_linejoin="round", class_="score-line"))
    shown = _date_labels(xs)
    years = _year_labels(points, shown)
    for i, (point, x, y) in enumerate(zip(points, xs, ys)):
        band = localized(measure.band_for(point.score).label, lang)
        tip = f"{dates.day_short(point.when)}: {point.score} ({band})"
        tip += f" – {point.label}" if point.label else ""
        out.append(element("circle", element("title", tip), cx=number(x), cy=number(y), r=5, fill=LINE,
                       stroke="#ffffff", stroke_width=1.5, class_="score-point"))
        label_y = y - 9 if y - 9 > Y0 + 10 else y + 19
        out.append(_text(x, label_y, str(point.score), 13, text_anchor="middle",
                         font_weight="bold", class_="score-value", **halo))
        if i in shown:
            out.append(_text(x, Y1 + 17, day_month(point.when, lang), 12, text_anchor="middle",
                             class_="date"))
        if i in years:
            out.append(_text(x, Y1 + 33, str(point.when.year), 12, text_anchor="middle", class_="year"))
    if reliable in MARKER and len(points) > 1:
        x, y = xs[-1], ys[-1]
        anchor = "end" if x > (X0 + X1) / 2 else "start"
        x += -10 if anchor == "end" else 10
        y = y + 24 if y + 24 < Y1 - 4 else y - 26
        out.append(element("text", _reliable_words(reliable), x=number(x), y=number(y), font_size=12,
                       font_weight="bold", fill=MARKER[reliable], text_anchor=anchor,
                       class_=f"reliable reliable-{reliable}", **halo))
    return out


def describe(measure: Measure, points: list[Point], locale: str,
             reliable: str | None = None) -> str:
    """The graph in words (used as its ``<desc>``)."""
    lang = _lang(locale)
    with force_locale(lang):
        return _describe(measure, sorted(points, key=lambda p: p.when), lang, reliable)


def _describe(measure: Measure, points: list[Point], lang: str, reliable: str | None) -> str:
    words = [_("%(name)s, skala %(low)s–%(high)s, %(sense)s.", name=measure.code,
               low=measure.range_min, high=measure.range_max,
               sense=_higher_means()[measure.higher_is_better])]

    def band(p: Point) -> str:
        return localized(measure.band_for(p.score).label, lang)

    if not points:
        words.append(_("Ingen registrerte svar ennå."))
    elif len(points) == 1:
        p = points[0]
        words.append(_("Én måling: skår %(score)s (%(band)s) %(date)s.", score=p.score,
                       band=band(p), date=dates.day_short(p.when)))
    else:
        f, last = points[0], points[-1]
        words.append(_("Første skår %(fs)s (%(fb)s) %(fd)s; siste skår %(ls)s (%(lb)s) %(ld)s; "
                       "%(n)s målinger.", fs=f.score, fb=band(f), fd=dates.day_short(f.when),
                       ls=last.score, lb=band(last), ld=dates.day_short(last.when), n=len(points)))
    if measure.cutoff:
        words.append(_("Den stiplede linjen viser grenseverdien %(score)s.",
                       score=measure.cutoff.score))
    if reliable in MARKER and len(points) > 1:
        words.append(_reliable_words(reliable) + ".")
    return " ".join(words)


def render_graph(measure: Measure, points: list[Point], locale: str, title: str,
                 reliable: str | None = None) -> Markup:
    """An inline ``<svg>`` of ``points`` (any order, none or one is fine) over the bands."""
    lang = _lang(locale)
    points = sorted(points, key=lambda p: p.when)
    for p in points:
        measure.band_for(p.score)  # ValueError early for a score outside the range
    with force_locale(lang):
        return _svg(measure, points, lang, title, reliable)


def _svg(measure: Measure, points: list[Point], lang: str, title: str,
         reliable: str | None) -> Markup:
    scale = _Scale(measure, points)
    uid = f"measure-graph-{next(_ids)}"
    parts = [element("title", title, id=f"{uid}-title"),
             element("desc", _describe(measure, points, lang, reliable), id=f"{uid}-desc"),
             *_bands(measure, scale, lang), *_axes(measure, scale, lang)]
    if points:
        parts += _series(measure, points, scale, lang, reliable)
    else:
        parts.append(_text((X0 + X1) / 2, (Y0 + Y1) / 2, _("Ingen svar ennå"), 14,
                           text_anchor="middle", class_="empty"))
    return element("svg", Markup("").join(parts), xmlns="http://www.w3.org/2000/svg",
                   viewBox=f"0 0 {W} {H}", width="100%", preserveAspectRatio="xMidYMid meet",
                   role="img", aria_labelledby=f"{uid}-title {uid}-desc", class_="measure-graph",
                   font_family="sans-serif")


def render_table_rows(measure: Measure, points: list[Point], locale: str) -> list[dict]:
    """Rows for the table beside the graph, oldest first: date, score, band (+ extras)."""
    lang = _lang(locale)
    rows = []
    for p in sorted(points, key=lambda p: p.when):
        band: Band = measure.band_for(p.score)
        rows.append({"date": p.when, "date_text": dates.day_short(p.when), "score": p.score,
                     "band": localized(band.label, lang), "severity": band.severity,
                     "label": p.label})
    return rows
