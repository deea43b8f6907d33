"""What the server-rendered SVG charts share (measures/graph.py, reports/charts.py).

Presentation attributes and class names only: the Content-Security-Policy forbids inline styles.
"""
from __future__ import annotations

from markupsafe import Markup


def number(value: float) -> str:
    """A coordinate with one decimal at most: ``12.5``, ``12``."""
    return f"{value:.1f}".removesuffix(".0")


def element(tag: str, content: str = "", **attrs: object) -> Markup:
    """One element; attribute names use ``_`` for ``-`` (``class_`` for ``class``); all escaped."""
    attributes = Markup("").join(
        Markup(' {}="{}"').format(Markup(k.rstrip("_").replace("_", "-")), v)
        for k, v in attrs.items() if v is not None
    )
    if content == "":
        return Markup("<{}{}/>").format(Markup(tag), attributes)
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attributes, content)
