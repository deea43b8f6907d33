"""Server-rendered, accessible SVG bar charts for the reports.

Each chart has a <title> and a <desc> (the figures in words), role="img" and aria-labelledby;
the table next to it on the page holds the same numbers. No inline styles (the CSP forbids them):
presentation attributes and classes only. A suppressed figure ("<5") gets no bar, only its label.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup

from selfhelp.svg import element, number

W = 360  #: narrow: on a phone the text stays at about its real size
LABEL_H, BAR_H, GAP, TOP, BOTTOM = 18, 18, 12, 8, 30  # BOTTOM holds the value axis
BAR = "#0b5561"
TEXT = "#1a1a1a"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    #: None when the figure is suppressed or missing: no bar is drawn.
    value: float | None
    #: What is written at the end of the bar ("42 %", "<5", "3,5 dager").
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart and the words the page shows beside it: its title and its legend (what a bar is)."""
    svg: Markup
    title: str
    legend: str

    def __html__(self) -> str:
        return str(self.svg)

    def __str__(self) -> str:
        return str(self.svg)


def _ticks(top: float) -> list[float]:
    """0, the middle and the top of the value axis, rounded to whole numbers where they can be."""
    return [0.0, top / 2, top]


def _tick_text(value: float) -> str:
    return str(int(round(value))) if abs(value - round(value)) < 0.05 or value >= 10 else f"{value:.1f}".replace(".", ",")


def bar_chart(title: str, bars: list[Bar], summary: str, maximum: float | None = None) -> Chart:
    """Horizontal bars, each with its label above it (room for long names on a phone), over a
    value axis (0, middle, top). The page prints the title and `summary` (the legend) beside it."""
    uid = f"report-chart-{next(_ids)}"
    top = max([b.value for b in bars if b.value is not None] + [maximum or 0, 1e-9])
    row_h = LABEL_H + BAR_H + GAP
    height = TOP + BOTTOM + row_h * max(len(bars), 1)
    words = [summary] + [f"{b.label}: {b.text}." for b in bars]
    parts = [element("title", title, id=f"{uid}-title"), element("desc", " ".join(words), id=f"{uid}-desc")]
    usable = W - 64
    for i, b in enumerate(bars):
        y = TOP + i * row_h
        parts.append(element("text", b.label, x=0, y=number(y + 13), font_size=14, fill=TEXT,
                         class_="chart-label"))
        width = 0.0 if b.value is None else max(b.value, 0) / top * usable
        if width > 0:
            parts.append(element("rect", x=0, y=number(y + LABEL_H), width=number(width), height=BAR_H,
                             fill=BAR, class_="chart-bar"))
        parts.append(element("text", b.text, x=number(width + 6), y=number(y + LABEL_H + 14),
                         font_size=14, fill=TEXT, font_weight="bold", class_="chart-value"))
    axis_y = height - BOTTOM + 6
    parts.append(element("line", x1=0, y1=axis_y, x2=usable, y2=axis_y, stroke=TEXT, class_="chart-axis"))
    for tick in _ticks(top):
        x = tick / top * usable
        parts.append(element("line", x1=number(x), y1=axis_y, x2=number(x), y2=axis_y + 5, stroke=TEXT))
        parts.append(element("text", _tick_text(tick), x=number(x), y=axis_y + 20, font_size=13,
                             fill=TEXT, text_anchor="start" if tick == 0 else "middle" if tick < top else "end",
                             class_="chart-tick"))
    svg = element("svg", Markup("").join(parts), xmlns="http://www.w3.org/2000/svg",
                  viewBox=f"0 0 {W} {height}", width="100%", preserveAspectRatio="xMinYMin meet",
                  role="img", aria_labelledby=f"{uid}-title {uid}-desc", class_="report-chart",
                  font_family="sans-serif")
    return Chart(svg, title, summary)
