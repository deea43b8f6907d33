"""Server-rendered, accessible SVG graph of a person's scores on one measure.

The SVG uses presentation attributes and class names only: the Content-Security-Policy forbids
inline styles. It scales with its container (viewBox, width 100%), and the page shows a table
(``render_table_rows``) beside it as the text alternative.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from selfhelp.measures.definitions import Band, Measure, localized

W, H = 420, 260  # viewBox
X0, X1, Y0, Y1 = 36, 408, 30, 226  # plot area
INSET = 26  # keeps the first and last point (and their labels) away from the edges
TEXT = "#1a1a1a"  # dark text: at least 12:1 against white and every band fill
LINE = "#1f4e79"
BAND_FILLS = ("#e8f3e8", "#fbf5dc", "#fde9d6", "#fbe0dc", "#f5d6e0")  # by severity, light
MARKER = {"improved": "#1b5e20", "deteriorated": "#8b1a1a"}
MIN_LABEL_GAP = 38  # x distance between date labels

_ids = itertools.count(1)

TEXTS = {
    "nb": {
        "improved": "Pålitelig bedring", "deteriorated": "Pålitelig forverring",
        "better_up": "↑ høyere skår er bedre", "worse_up": "↑ høyere skår betyr mer plager",
        "cutoff": "Grense {}", "empty": "Ingen svar ennå",
        "scale": "{name}, skala {low}–{high}, {sense}.",
        "better": "høyere skår er bedre", "worse": "høyere skår betyr mer plager",
        "none": "Ingen registrerte svar ennå.",
        "one": "Én måling: skår {score} ({band}) {date}.",
        "many": "Første skår {fs} ({fb}) {fd}; siste skår {ls} ({lb}) {ld}; {n} målinger.",
        "cutoff_desc": "Den stiplede linjen viser grenseverdien {}.",
    },
    "en": {
        "improved": "Reliable improvement", "deteriorated": "Reliable deterioration",
        "better_up": "↑ higher score is better", "worse_up": "↑ higher score means more symptoms",
        "cutoff": "Cut-off {}", "empty": "No answers yet",
        "scale": "{name}, scale {low}–{high}, {sense}.",
        "better": "higher score is better", "worse": "higher score means more symptoms",
        "none": "No answers recorded yet.",
        "one": "One measurement: score {score} ({band}) on {date}.",
        "many": "First score {fs} ({fb}) on {fd}; latest score {ls} ({lb}) on {ld}; "
                "{n} measurements.",
        "cutoff_desc": "The dashed line marks the cut-off {}.",
    },
}


@dataclass(frozen=True)
class Point:
    when: date
    score: int
    label: str | None = None


def _lang(locale: str) -> str:
    lang = (locale or "").replace("-", "_").split("_")[0].lower()
    return lang if lang in TEXTS else "nb"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _el(tag: str, content: str = "", **attrs: object) -> Markup:
    """One element; attribute names use ``_`` for ``-`` (``class_`` for ``class``); all escaped."""
    attributes = Markup("").join(
        Markup(' {}="{}"').format(Markup(k.rstrip("_").replace("_", "-")), v)
        for k, v in attrs.items() if v is not None
    )
    if content == "":
        return Markup("<{}{}/>").format(Markup(tag), attributes)
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attributes, content)


def _text(x: float, y: float, content: str, size: int = 12, **attrs: object) -> Markup:
    return _el("text", content, x=_num(x), y=_num(y), font_size=size, fill=TEXT, **attrs)


def day_month(when: date) -> str:
    """Axis date, e.g. ``2.3.``"""
    return f"{when.day}.{when.month}."


def full_date(when: date) -> str:
    """Date in words and tables, e.g. ``2.3.2025``."""
    return f"{when.day}.{when.month}.{when.year}"


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
        out.append(_el("rect", x=X0, y=_num(top), width=X1 - X0, height=_num(bottom - top),
                       fill=fill, class_=f"band band-severity-{band.severity}"))
        if bottom - top >= 15:
            out.append(_text(X1 - 4, top + 12, localized(band.label, lang), 11,
                             text_anchor="end", class_="band-label"))
    return out


def _axes(measure: Measure, scale: _Scale, lang: str) -> list[Markup]:
    step = _nice_step(scale.span)
    out = [_el("line", x1=X0, y1=Y0, x2=X0, y2=Y1, stroke=TEXT, class_="axis"),
           _el("line", x1=X0, y1=Y1, x2=X1, y2=Y1, stroke=TEXT, class_="axis")]
    first_tick = -(-measure.range_min // step) * step
    for tick in range(first_tick, measure.range_max + 1, step):
        y = scale.y(tick)
        out.append(_el("line", x1=X0 - 4, y1=_num(y), x2=X0, y2=_num(y), stroke=TEXT))
        out.append(_text(X0 - 6, y + 4, str(tick), 11, text_anchor="end", class_="tick"))
    note = TEXTS[lang]["better_up" if measure.higher_is_better else "worse_up"]
    out.append(_text(X0, Y0 - 12, note, 11, class_="axis-note"))
    if measure.cutoff:
        y = _num(scale.y(measure.cutoff.score - 0.5))  # between the last non-case and first case
        out.append(_el("line", x1=X0, y1=y, x2=X1, y2=y, stroke=TEXT, stroke_width=1.5,
                       stroke_dasharray="6 4", class_="cutoff"))
        # Legend top right, where no point can cover it: a dash sample and "Grense 10".
        out.append(_el("line", x1=X1 - 90, y1=Y0 - 16, x2=X1 - 68, y2=Y0 - 16, stroke=TEXT,
                       stroke_width=1.5, stroke_dasharray="6 4"))
        out.append(_text(X1, Y0 - 12, TEXTS[lang]["cutoff"].format(measure.cutoff.score), 11,
                         text_anchor="end", class_="cutoff-label"))
    return out


def _date_labels(xs: list[float]) -> set[int]:
    """Indices of points whose date is printed: always the latest, then thinned backwards."""
    shown: list[int] = []
    for i in reversed(range(len(xs))):
        if not shown or xs[shown[-1]] - xs[i] >= MIN_LABEL_GAP:
            shown.append(i)
    return set(shown)


def _series(measure: Measure, points: list[Point], scale: _Scale, lang: str,
            reliable: str | None) -> list[Markup]:
    xs = [scale.x(p.when) for p in points]
    ys = [scale.y(p.score) for p in points]
    halo = {"stroke": "#ffffff", "stroke_width": 3, "paint_order": "stroke"}
    out = []
    if len(points) > 1:
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xs, ys))
        out.append(_el("polyline", points=coords, fill="none", stroke=LINE, stroke_width=2.5,
                       stroke_linejoin="round", class_="score-line"))
    shown = _date_labels(xs)
    for i, (point, x, y) in enumerate(zip(points, xs, ys)):
        band = localized(measure.band_for(point.score).label, lang)
        tip = f"{full_date(point.when)}: {point.score} ({band})"
        tip += f" – {point.label}" if point.label else ""
        out.append(_el("circle", _el("title", tip), cx=_num(x), cy=_num(y), r=5, fill=LINE,
                       stroke="#ffffff", stroke_width=1.5, class_="score-point"))
        label_y = y - 9 if y - 9 > Y0 + 10 else y + 19
        out.append(_text(x, label_y, str(point.score), 13, text_anchor="middle",
                         font_weight="bold", class_="score-value", **halo))
        if i in shown:
            out.append(_text(x, Y1 + 16, day_month(point.when), 11, text_anchor="middle",
                             class_="date"))
    if reliable in MARKER and len(points) > 1:
        x, y = xs[-1], ys[-1]
        anchor = "end" if x > (X0 + X1) / 2 else "start"
        x += -10 if anchor == "end" else 10
        y = y + 24 if y + 24 < Y1 - 4 else y - 26
        out.append(_el("text", TEXTS[lang][reliable], x=_num(x), y=_num(y), font_size=12,
                       font_weight="bold", fill=MARKER[reliable], text_anchor=anchor,
                       class_=f"reliable reliable-{reliable}", **halo))
    return out


def describe(measure: Measure, points: list[Point], locale: str,
             reliable: str | None = None) -> str:
    """The graph in words (used as its ``<desc>``)."""
    lang = _lang(locale)
    t = TEXTS[lang]
    points = sorted(points, key=lambda p: p.when)
    sense = t["better" if measure.higher_is_better else "worse"]
    words = [t["scale"].format(name=measure.code, low=measure.range_min, high=measure.range_max,
                               sense=sense)]

    def band(p: Point) -> str:
        return localized(measure.band_for(p.score).label, lang)

    if not points:
        words.append(t["none"])
    elif len(points) == 1:
        p = points[0]
        words.append(t["one"].format(score=p.score, band=band(p), date=full_date(p.when)))
    else:
        f, last = points[0], points[-1]
        words.append(t["many"].format(fs=f.score, fb=band(f), fd=full_date(f.when), ls=last.score,
                                      lb=band(last), ld=full_date(last.when), n=len(points)))
    if measure.cutoff:
        words.append(t["cutoff_desc"].format(measure.cutoff.score))
    if reliable in MARKER and len(points) > 1:
        words.append(t[reliable] + ".")
    return " ".join(words)


def render_graph(measure: Measure, points: list[Point], locale: str, title: str,
                 reliable: str | None = None) -> Markup:
    """An inline ``<svg>`` of ``points`` (any order, none or one is fine) over the bands."""
    lang = _lang(locale)
    points = sorted(points, key=lambda p: p.when)
    for p in points:
        measure.band_for(p.score)  # ValueError early for a score outside the range
    scale = _Scale(measure, points)
    uid = f"measure-graph-{next(_ids)}"
    parts = [_el("title", title, id=f"{uid}-title"),
             _el("desc", describe(measure, points, lang, reliable), id=f"{uid}-desc"),
             *_bands(measure, scale, lang), *_axes(measure, scale, lang)]
    if points:
        parts += _series(measure, points, scale, lang, reliable)
    else:
        parts.append(_text((X0 + X1) / 2, (Y0 + Y1) / 2, TEXTS[lang]["empty"], 14,
                           text_anchor="middle", class_="empty"))
    return _el("svg", Markup("").join(parts), xmlns="http://www.w3.org/2000/svg",
               viewBox=f"0 0 {W} {H}", width="100%", preserveAspectRatio="xMidYMid meet",
               role="img", aria_labelledby=f"{uid}-title {uid}-desc", class_="measure-graph",
               font_family="sans-serif")


def render_table_rows(measure: Measure, points: list[Point], locale: str) -> list[dict]:
    """Rows for the table beside the graph, oldest first: date, score, band (+ extras)."""
    lang = _lang(locale)
    rows = []
    for p in sorted(points, key=lambda p: p.when):
        band: Band = measure.band_for(p.score)
        rows.append({"date": p.when, "date_text": full_date(p.when), "score": p.score,
                     "band": localized(band.label, lang), "severity": band.severity,
                     "label": p.label})
    return rows
