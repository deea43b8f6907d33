"""The <5 rule: no figure in a page or an export may rest on fewer than five people.

Every figure in a report is a cell that knows how many people it counts:

- ``Count``: a number of people (or of their check-ins, flags ...): under 5 shows as "<5";
- ``Rate``: a share; "<5" when the numerator or the denominator is under 5 (a share of a known
  group reveals its numerator);
- ``Stat``: a mean, median or percentile over ``n`` people: "<5" when n is under 5.

Zero counts are shown as "<5" too: the rule is "fewer than five". The page and the CSV both read
``display``/``csv_value``, so they can never disagree.

Secondary suppression (``protect_partition``): when cells add up to a total that is shown (the
categories of a reach table, or "before and after / one measurement / none" of the people who
started), a single hidden cell could be worked out as the total minus the others; the smallest
shown cell is then hidden too, and shown as "skjult". Differences between rows (the "all" row
minus the other rows) are not protected this way.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from selfhelp.csv_export import safe_cell

MIN_PEOPLE = 5
SUPPRESSED = "<5"
EMPTY = "–"


@dataclass(frozen=True)
class Count:
    n: int
    #: Hidden by secondary suppression although it is 5 or more.
    hidden: bool = False


@dataclass(frozen=True)
class Rate:
    num: int
    den: int
    hidden: bool = False

    @property
    def percent(self) -> float | None:
        return 100.0 * self.num / self.den if self.den else None


@dataclass(frozen=True)
class Stat:
    value: float | None
    n: int
    decimals: int = 1


@dataclass(frozen=True)
class Interval:
    low: float | None
    high: float | None
    n: int
    decimals: int = 1


Cell = str | Count | Rate | Stat | Interval


def is_suppressed(cell: Cell) -> bool:
    if isinstance(cell, Count):
        return cell.hidden or cell.n < MIN_PEOPLE
    if isinstance(cell, Rate):
        return cell.hidden or (cell.den > 0 and (cell.num < MIN_PEOPLE or cell.den < MIN_PEOPLE))
    if isinstance(cell, (Stat, Interval)):
        return cell.n < MIN_PEOPLE
    return False


def protect_partition(cells: list[Count]) -> list[Count]:
    """``cells`` add up to a total that is shown: if exactly one of them is under five (and not
    zero), hide the smallest shown one too, so the total cannot give the hidden one away."""
    small = [c for c in cells if is_suppressed(c)]
    shown = [i for i, c in enumerate(cells) if not is_suppressed(c)]
    if len(small) != 1 or small[0].n == 0 or not shown:
        return cells
    smallest = min(shown, key=lambda i: cells[i].n)
    return [Count(c.n, hidden=True) if i == smallest else c for i, c in enumerate(cells)]


def number(value: float, decimals: int = 1) -> str:
    """Norwegian style: decimal comma, minus sign as a hyphen (safe in every spreadsheet)."""
    text = f"{value:.{decimals}f}".replace(".", ",")
    return "0" + text[2:] if text.startswith("-0") and not any(c in "123456789" for c in text) \
        else text


def display(cell: Cell) -> str:
    """The text shown on the page."""
    if isinstance(cell, str):
        return cell
    if getattr(cell, "hidden", False):
        return _("skjult")
    if is_suppressed(cell):
        return SUPPRESSED
    if isinstance(cell, Count):
        return str(cell.n)
    if isinstance(cell, Rate):
        return EMPTY if cell.percent is None else f"{number(cell.percent, 0)} %"
    if isinstance(cell, Stat):
        return EMPTY if cell.value is None else number(cell.value, cell.decimals)
    if isinstance(cell, Interval):
        if cell.low is None or cell.high is None:
            return EMPTY
        return _("%(low)s til %(high)s", low=number(cell.low, cell.decimals),
                 high=number(cell.high, cell.decimals))
    raise TypeError(cell)


def csv_value(cell: Cell) -> str:
    """The text written to the CSV: as on the page, with shares as plain percentages."""
    if isinstance(cell, str):
        return safe_cell(cell)
    if isinstance(cell, Rate) and not is_suppressed(cell):
        return "" if cell.percent is None else number(cell.percent, 0)
    shown = display(cell)
    return "" if shown == EMPTY else shown


def chart_value(cell: Cell) -> float | None:
    """The number a chart may draw, or None when it is suppressed or missing."""
    if isinstance(cell, str) or is_suppressed(cell):
        return None
    if isinstance(cell, Count):
        return float(cell.n)
    if isinstance(cell, Rate):
        return cell.percent
    if isinstance(cell, Stat):
        return cell.value
    return None
