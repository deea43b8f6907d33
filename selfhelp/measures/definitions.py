"""Questionnaire definitions: immutable objects loaded and validated from YAML data files.

Built-in measures live in ``selfhelp/measures/data``; a municipality adds a licensed measure by
dropping one YAML file into the directory named by ``SELFHELP_MEASURES_DIR``.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from selfhelp.config import extra_measures_dir
from selfhelp.i18n import DEFAULT_LANGUAGE, localized

log = logging.getLogger(__name__)

_ITEM_KEY = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class Option:
    value: int
    label: dict[str, str]


@dataclass(frozen=True)
class Item:
    key: str
    text: dict[str, str]


@dataclass(frozen=True)
class Band:
    """Scores ``min``..``max`` inclusive (final score); higher ``severity`` is worse."""

    min: int
    max: int
    label: dict[str, str]
    severity: int

    def contains(self, score: int) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class Cutoff:
    score: int
    direction: Literal["above", "below"]

    def is_case(self, score: int) -> bool:
        """above: ``score >= cutoff`` is a case; below: ``score < cutoff`` is a case."""
        return score >= self.score if self.direction == "above" else score < self.score


@dataclass(frozen=True)
class RiskRule:
    """An answer to ``item`` greater than ``above`` raises a risk flag."""

    item: str
    above: int


@dataclass(frozen=True)
class ReliableChangeBasis:
    """Where a Jacobson–Truax reliable-change threshold comes from: the standard deviation of
    baseline scores and the reliability of the measure, with a note of their source."""

    sd: float
    reliability: float
    source: dict[str, str]

    @property
    def threshold(self) -> float:
        """1.96 × √2 × SD × √(1 − r)."""
        return 1.96 * math.sqrt(2) * self.sd * math.sqrt(1 - self.reliability)


@dataclass(frozen=True)
class Measure:
    """One questionnaire. ``scored_items`` left empty means every item is scored."""

    code: str
    name: dict[str, str]
    instructions: dict[str, str]
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    scored_items: tuple[str, ...]
    multiplier: int
    reverse: tuple[str, ...]
    range_min: int
    range_max: int
    bands: tuple[Band, ...]
    cutoff: Cutoff | None = None
    reliable_change: float | None = None
    higher_is_better: bool = False
    risk_rules: tuple[RiskRule, ...] = ()
    #: Set when ``reliable_change`` is computed (Jacobson–Truax) rather than given as points.
    reliable_basis: ReliableChangeBasis | None = None

    def __post_init__(self) -> None:
        for name in ("options", "items", "scored_items", "reverse", "bands", "risk_rules"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.scored_items:
            object.__setattr__(self, "scored_items", tuple(i.key for i in self.items))

    @property
    def max_option(self) -> int:
        return max(o.value for o in self.options)

    @property
    def min_option(self) -> int:
        return min(o.value for o in self.options)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)

    def band_for(self, score: int) -> Band:
        """The band holding ``score``; ValueError if the score is outside the range."""
        for band in self.bands:
            if band.contains(score):
                return band
        raise ValueError(f"{self.code}: score {score} is outside {self.range_min}-{self.range_max}")


# ------------------------------------------------------------------ parsing and validation

_Path = tuple[str | int, ...]
_KINDS = {
    "an integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    and math.isfinite(v),
    "a text": lambda v: isinstance(v, str) and v.strip() != "",
    "true or false": lambda v: isinstance(v, bool),
    "a list": lambda v: isinstance(v, list),
    "a mapping": lambda v: isinstance(v, dict),
}
_TOP_KEYS = {"code", "name", "instructions", "options", "items", "scoring", "range", "bands",
             "cutoff", "reliable_change", "jacobson_truax", "higher_is_better", "risk_items"}


class _Checker:
    """Reads values out of parsed YAML, collecting ``path:line: message`` problems."""

    def __init__(self, path: str, lines: dict[_Path, int], problems: list[str]) -> None:
        self.path, self.lines, self.problems = path, lines, problems

    def err(self, at: _Path, message: str) -> None:
        while at and at not in self.lines:
            at = at[:-1]
        self.problems.append(f"{self.path}:{self.lines.get(at, 1)}: {message}")

    def get(self, data: dict, at: _Path, key: str, kind: str, required: bool = True) -> Any:
        """``data[key]`` if present and of ``kind``; otherwise report (when required) and None."""
        name = ".".join(map(str, (*at, key)))
        if data.get(key) is None:
            if required:
                self.err(at, f"missing '{name}'")
            return None
        if not _KINDS[kind](data[key]):
            self.err((*at, key), f"'{name}' must be {kind}")
            return None
        return data[key]

    def entries(self, data: dict, key: str, keys: set[str],
                required: bool = True) -> list[tuple[_Path, dict]]:
        """The mappings in the top-level list ``data[key]`` (non-empty when required)."""
        values = self.get(data, (), key, "a list", required)
        if values == [] and required:
            self.err((key,), f"'{key}' must not be empty")
        return [((key, i), e) for i, e in enumerate(values or []) if self.only(e, (key, i), keys)]

    def only(self, entry: object, at: _Path, keys: set[str]) -> bool:
        """Is ``entry`` a mapping? Reports it if not, and reports any unknown keys in it."""
        if not isinstance(entry, dict):
            self.err(at, f"'{'.'.join(map(str, at)) or 'the file'}' must be a mapping")
            return False
        for key in sorted(set(map(str, entry)) - keys):
            self.err((*at, key), f"unknown key '{key}' (expected {', '.join(sorted(keys))})")
        return True

    def texts(self, data: dict, at: _Path, key: str) -> dict[str, str]:
        """A ``{nb: ..., en: ...}`` mapping of non-empty texts with at least ``nb``."""
        value = self.get(data, at, key, "a mapping")
        if value is None:
            return {}
        if DEFAULT_LANGUAGE not in value or not all(_KINDS["a text"](v) for v in value.values()):
            name = ".".join(map(str, (*at, key)))
            self.err((*at, key), f"'{name}' needs non-empty texts, at least '{DEFAULT_LANGUAGE}'")
        return {str(k): str(v) for k, v in value.items()}

    def item_keys(self, data: dict, key: str, known: set[str]) -> tuple[str, ...]:
        """The optional list ``scoring.<key>`` of existing, distinct item keys."""
        at = ("scoring", key)
        values = [str(v) for v in self.get(data, at[:1], key, "a list", required=False) or []]
        for value in sorted(set(values) - known):
            self.err(at, f"'scoring.{key}' names unknown item '{value}'")
        if len(set(values)) != len(values):
            self.err(at, f"'scoring.{key}' lists an item twice")
        return tuple(values)


def _compose(text: str, path: str) -> tuple[Any, dict[_Path, int], list[str]]:
    """Parse YAML into plain data, a map from key path to line number, and problems."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # already reads (and may reject) the first characters
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else text.count("\n", 0, getattr(exc, "position", 0)) + 1
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, {}, [f"{path}:{line}: invalid YAML: {detail}"]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None, {}, [f"{path}:1: the file is empty"]
    lines: dict[_Path, int] = {}
    problems: list[str] = []
    seen: set[int] = set()

    def walk(n: yaml.Node, at: _Path) -> None:
        lines.setdefault(at, n.start_mark.line + 1)
        if id(n) in seen:  # an alias: walk each node once (also stops recursive aliases)
            return
        seen.add(id(n))
        pairs = n.value if isinstance(n, yaml.MappingNode) else []
        for k, v in pairs:
            if (*at, k.value) in lines:
                problems.append(f"{path}:{k.start_mark.line + 1}: duplicate key '{k.value}'")
            lines[(*at, k.value)] = k.start_mark.line + 1
            walk(v, (*at, k.value))
        for i, v in enumerate(n.value if isinstance(n, yaml.SequenceNode) else []):
            walk(v, (*at, i))

    walk(node, ())
    return data, lines, problems


def parse_measure(text: str, path: str) -> tuple[Measure | None, list[str]]:
    """Parse and validate one measure file; ``(None, problems)`` unless it is fully valid."""
    data, lines, problems = _compose(text, path)
    c = _Checker(path, lines, problems)
    if problems or not c.only(data, (), _TOP_KEYS):
        return None, problems
    code = c.get(data, (), "code", "a text")
    name, instructions = c.texts(data, (), "name"), c.texts(data, (), "instructions")

    options = [Option(e.get("value"), c.texts(e, at, "label"))
               for at, e in c.entries(data, "options", {"value", "label"})
               if c.get(e, at, "value", "an integer") is not None]
    values = sorted(o.value for o in options)
    if values and values != list(range(values[0], values[0] + len(values))):
        c.err(("options",), "option values must be whole numbers without gaps or repeats")
        values = []

    items: list[Item] = []
    for at, entry in c.entries(data, "items", {"key", "text"}):
        key, item_text = c.get(entry, at, "key", "a text"), c.texts(entry, at, "text")
        if key is not None and not _ITEM_KEY.fullmatch(key):
            c.err((*at, "key"), f"item key '{key}' may use only a-z, 0-9 and _")
        elif key is not None and any(i.key == key for i in items):
            c.err((*at, "key"), f"duplicate item key '{key}'")
        elif key is not None:
            items.append(Item(key, item_text))
    keys = {i.key for i in items}

    scoring = c.get(data, (), "scoring", "a mapping") or {}
    multiplier = 1
    if scoring and c.only(scoring, ("scoring",), {"method", "items", "multiplier", "reverse"}):
        if scoring.get("method") != "sum":
            c.err(("scoring", "method"), "scoring.method must be 'sum'")
        multiplier = c.get(scoring, ("scoring",), "multiplier", "an integer", required=False) or 1
        if multiplier < 1:
            c.err(("scoring", "multiplier"), "scoring.multiplier must be 1 or more")
    if scoring.get("items") == []:
        c.err(("scoring", "items"), "scoring.items must not be empty (leave it out to score all)")
    scored = c.item_keys(scoring, "items", keys) or tuple(i.key for i in items)
    reverse = c.item_keys(scoring, "reverse", keys)

    rng, low, high = c.get(data, (), "range", "a mapping") or {}, None, None
    if rng and c.only(rng, ("range",), {"min", "max"}):
        low, high = (c.get(rng, ("range",), k, "an integer") for k in ("min", "max"))
    n = len(scored)
    can = (values[0] * n * multiplier, values[-1] * n * multiplier) if values and n else None
    if None not in (low, high, can) and (low, high) != can:
        c.err(("range",), f"range {low}-{high} does not match the scoring, which gives {can[0]}-"
                          f"{can[1]} ({n} items × {values[0]}..{values[-1]} × {multiplier})")

    bands: list[tuple[_Path, Band]] = []
    for at, entry in c.entries(data, "bands", {"min", "max", "label", "severity"}):
        bmin, bmax = c.get(entry, at, "min", "an integer"), c.get(entry, at, "max", "an integer")
        label, severity = c.texts(entry, at, "label"), c.get(entry, at, "severity", "an integer")
        if None in (bmin, bmax, severity):
            continue
        if bmin > bmax or severity < 0:
            c.err(at, f"band {bmin}-{bmax}: needs min <= max and a severity of 0 or more")
        else:
            bands.append((at, Band(bmin, bmax, label, severity)))
    # Coverage is checked only when every band is readable, so one typo gives one message.
    if bands and len(bands) == len(data["bands"]) and low is not None and high is not None:
        expected = low
        for at, band in bands:
            if band.min > expected:
                c.err(at, f"gap in bands: no band covers {expected}-{band.min - 1}")
            elif band.min < expected:
                c.err(at, f"band {band.min}-{band.max} overlaps the band before it "
                          f"or starts below the range")
            expected = band.max + 1
        if expected - 1 != high:
            c.err(bands[-1][0], f"the last band must end at the top of the range, {high}")

    cutoff = None
    raw = data.get("cutoff")
    if raw is not None and c.only(raw, ("cutoff",), {"score", "direction"}):
        score = c.get(raw, ("cutoff",), "score", "an integer")
        direction = c.get(raw, ("cutoff",), "direction", "a text")
        if direction is not None and direction not in ("above", "below"):
            c.err(("cutoff", "direction"), f"cutoff.direction must be 'above' or 'below'")
        elif score is not None and low is not None and high is not None and not low < score <= high:
            c.err(("cutoff", "score"), f"cutoff.score must be above {low} and at most {high}")
        elif score is not None and direction is not None:
            cutoff = Cutoff(score, direction)

    reliable = c.get(data, (), "reliable_change", "a number", required=False)
    if reliable is not None and reliable <= 0:
        c.err(("reliable_change",), "reliable_change must be above 0 (or null)")
    basis = None
    raw_basis = data.get("jacobson_truax")
    if raw_basis is not None and c.only(raw_basis, ("jacobson_truax",),
                                        {"sd", "reliability", "source"}):
        at = ("jacobson_truax",)
        sd = c.get(raw_basis, at, "sd", "a number")
        r = c.get(raw_basis, at, "reliability", "a number")
        source = c.texts(raw_basis, at, "source")
        if reliable is not None:
            c.err(at, "give either reliable_change or jacobson_truax, not both")
        elif sd is not None and sd <= 0:
            c.err((*at, "sd"), "jacobson_truax.sd must be above 0")
        elif r is not None and not 0 <= r < 1:
            c.err((*at, "reliability"), "jacobson_truax.reliability must be from 0 to below 1")
        elif sd is not None and r is not None and source:
            basis = ReliableChangeBasis(float(sd), float(r), source)
            reliable = basis.threshold
    higher_is_better = c.get(data, (), "higher_is_better", "true or false")

    rules = []
    for at, entry in c.entries(data, "risk_items", {"item", "above"}, required=False):
        item, above = c.get(entry, at, "item", "a text"), c.get(entry, at, "above", "an integer")
        if item is not None and item not in keys:
            c.err((*at, "item"), f"risk item '{item}' is not an item of this measure")
        elif above is not None and values and not values[0] <= above < values[-1]:
            c.err((*at, "above"), f"risk 'above' must be from {values[0]} to {values[-1] - 1}")
        elif item is not None and above is not None:
            rules.append(RiskRule(item, above))

    if problems:
        return None, problems
    return Measure(code, name, instructions, tuple(options), tuple(items), scored, multiplier,
                   reverse, low, high, tuple(b for _, b in bands), cutoff, reliable,
                   higher_is_better, tuple(rules), basis), []


# ------------------------------------------------------------------ loading

def load_measures(dirs: list[Path]) -> tuple[dict[str, Measure], list[str]]:
    """Load every ``*.yaml``/``*.yml`` file in ``dirs`` (in order).

    Returns the valid measures by code and a list of problems as ``path:line: message``. Never
    raises for bad content: a file with any problem is left out and reported.
    """
    measures: dict[str, Measure] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for directory in dirs:
        directory = Path(directory)
        if not directory.is_dir():
            problems.append(f"{directory}:0: measure directory not found")
            continue
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            try:
                measure, found = parse_measure(path.read_text(encoding="utf-8"), str(path))
            except Exception as exc:  # unreadable file, or a validator bug: report, never crash
                measure, found = None, [f"{path}:0: cannot load: {exc!r}"]
            if measure is not None and measure.code in origin:
                found.append(f"{path}:1: code '{measure.code}' is also in {origin[measure.code]}")
            problems.extend(found)
            if measure is not None and not found:
                measures[measure.code], origin[measure.code] = measure, str(path)
    return measures, problems


def builtin_dir() -> Path:
    """The folder with the built-in (free to use) measures."""
    return Path(__file__).resolve().parent / "data"


def measure_dirs() -> list[Path]:
    """Built-in folder, plus the folder in ``SELFHELP_MEASURES_DIR`` when that is set."""
    extra = extra_measures_dir()
    return [builtin_dir(), extra] if extra else [builtin_dir()]


@cache
def get_measures() -> dict[str, Measure]:
    """All valid measures, loaded once per process; problems are logged (see ``content check``)."""
    measures, problems = load_measures(measure_dirs())
    for problem in problems:
        log.warning("measure definition problem: %s", problem)
    return measures


def get_measure(code: str) -> Measure:
    """The measure with ``code``; KeyError if there is none."""
    return get_measures()[code]


def measure_name(code: str) -> str:
    """The measure's name in the request's language; the code when no such measure is loaded."""
    measure = get_measures().get(code)
    return localized(measure.name) if measure else code


def reset_measures() -> None:
    """Forget the cached measures (tests, or after changing ``SELFHELP_MEASURES_DIR``)."""
    get_measures.cache_clear()
