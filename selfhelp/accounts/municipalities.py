"""The Norwegian municipalities, shipped as data (data/municipalities.csv)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    county: str


@cache
def all_municipalities() -> tuple[Municipality, ...]:
    with DATA.open(encoding="utf-8") as fh:
        rows = [Municipality(r["number"], r["name"], r["county"]) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda m: norwegian_sort_key(m.name)))


_NORWEGIAN_ORDER = str.maketrans({"Æ": "{", "æ": "{", "Ø": "|", "ø": "|", "Å": "}", "å": "}"})


def norwegian_sort_key(text: str) -> str:
    """Sort as Norwegians expect: ... X Y Z Æ Ø Å."""
    return text.lower().translate(_NORWEGIAN_ORDER)


@cache
def by_number() -> dict[str, Municipality]:
    return {m.number: m for m in all_municipalities()}


def municipality_name(number: str | None) -> str:
    found = by_number().get(number or "")
    return found.name if found else (number or "")


def choices() -> list[tuple[str, str]]:
    return [(m.number, m.name) for m in all_municipalities()]
