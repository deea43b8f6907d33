"""Scoring of questionnaire answers, reliable change and the outcome definitions (pure functions).

Outcome definitions follow NHS Talking Therapies (see PRODUCT.md):

- *case*: PHQ-9 >= 10 or GAD-7 >= 8 at the first measurement;
- *recovery*: a case at the start, and below both cut-offs at the end;
- *reliable improvement*: PHQ-9 down by >= 6 or GAD-7 down by >= 4, and neither reliably worse;
- *reliable deterioration*: PHQ-9 up by >= 6 or GAD-7 up by >= 4;
- *reliable recovery*: recovery and reliable improvement together.

The outcome helpers take the first and last PHQ-9 and GAD-7 scores; pass None for a score that
does not exist. A change counts only on a measure with both a first and a last score. For
recovery, every measure that was given at the start must also have a last score (an unknown end
is not a recovery), and every last score there is must be below its cut-off.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from selfhelp.measures.definitions import Band, Measure

Change = Literal["improved", "deteriorated"]

PHQ9_CASE, GAD7_CASE = 10, 8  #: caseness: score >= this (PHQ-9, GAD-7)
PHQ9_RELIABLE, GAD7_RELIABLE = 6, 4  #: reliable change in points (PHQ-9, GAD-7)

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class IncompleteAnswers(ValueError):
    """Some items are unanswered (``missing``) or have a value outside the options (``invalid``)."""

    def __init__(self, missing: tuple[str, ...] = (), invalid: tuple[str, ...] = ()) -> None:
        self.missing, self.invalid = tuple(missing), tuple(invalid)
        parts = [f"missing: {', '.join(self.missing)}"] if self.missing else []
        parts += [f"invalid: {', '.join(self.invalid)}"] if self.invalid else []
        super().__init__("incomplete answers (" + "; ".join(parts) + ")")


@dataclass(frozen=True)
class Score:
    """``raw`` is the item sum, ``total = raw × multiplier`` the score shown and stored."""

    total: int
    raw: int
    band: Band
    is_case: bool | None
    risk_items: tuple[str, ...]


def parse_answers(measure: Measure, form: Mapping[str, str]) -> dict[str, int]:
    """Read one answer per item from ``form[item.key]``.

    Raises IncompleteAnswers naming every unanswered item and every item whose value is not one
    of the options, so the page can show a message beside each of them.
    """
    allowed = {o.value for o in measure.options}
    answers: dict[str, int] = {}
    missing, invalid = [], []
    for item in measure.items:
        raw = form.get(item.key)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            missing.append(item.key)
        elif not _WHOLE_NUMBER.fullmatch(text) or int(text) not in allowed:
            invalid.append(item.key)
        else:
            answers[item.key] = int(text)
    if missing or invalid:
        raise IncompleteAnswers(tuple(missing), tuple(invalid))
    return answers


def score(measure: Measure, answers: Mapping[str, int]) -> Score:
    """Score complete answers to ``measure`` (reverse items count ``max + min - value``).

    IncompleteAnswers if a scored item is missing or any value is not an option; ValueError if
    ``answers`` holds keys that are not items of the measure (see ``score_subset``).
    """
    unknown = sorted(set(answers) - set(measure.item_keys))
    if unknown:
        raise ValueError(f"{measure.code} has no items {', '.join(unknown)}")
    allowed = {o.value for o in measure.options}
    missing = tuple(k for k in measure.scored_items if k not in answers)
    invalid = tuple(k for k in measure.item_keys
                    if k in answers and not _valid(answers[k], allowed))
    if missing or invalid:
        raise IncompleteAnswers(missing, invalid)
    # For options starting at 0 this is the usual "max - value".
    flip = measure.max_option + measure.min_option
    raw = sum(flip - answers[k] if k in measure.reverse else answers[k]
              for k in measure.scored_items)
    total = raw * measure.multiplier
    risk = tuple(r.item for r in measure.risk_rules if answers.get(r.item, r.above) > r.above)
    return Score(
        total=total,
        raw=raw,
        band=measure.band_for(total),
        is_case=measure.cutoff.is_case(total) if measure.cutoff else None,
        risk_items=risk,
    )


def score_subset(measure: Measure, answers: Mapping[str, int]) -> Score:
    """Score ``measure`` from the matching items of a larger answer set.

    PHQ-2 from PHQ-9 answers, GAD-2 from GAD-7 answers: the short forms are the first two items
    and use the same keys (q1, q2).
    """
    return score(measure, {k: answers[k] for k in measure.item_keys if k in answers})


def _valid(value: object, allowed: set[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


# ------------------------------------------------------------------ reliable change


def change(measure: Measure, first: int, latest: int) -> Change | None:
    """"improved", "deteriorated" or None (no reliable change, or no threshold for the measure).

    A change of exactly ``measure.reliable_change`` points counts as reliable.
    """
    if measure.reliable_change is None:
        return None
    return _change(first, latest, measure.reliable_change, measure.higher_is_better)


def _change(first: int, latest: int, threshold: float, higher_is_better: bool) -> Change | None:
    gain = latest - first if higher_is_better else first - latest
    if gain >= threshold:
        return "improved"
    if -gain >= threshold:
        return "deteriorated"
    return None


def jacobson_truax_threshold(sd: float, reliability: float) -> float:
    """Reliable change threshold: 1.96 × √2 × SD × √(1 − r) (SD of the baseline scores)."""
    if sd < 0 or not 0 <= reliability <= 1:
        raise ValueError("sd must be >= 0 and reliability between 0 and 1")
    return 1.96 * math.sqrt(2) * sd * math.sqrt(1 - reliability)


# ------------------------------------------------------------------ outcomes (PHQ-9 + GAD-7)


def is_case_at_start(first_phq: int | None, first_gad: int | None) -> bool:
    """PHQ-9 >= 10 or GAD-7 >= 8 at the first measurement."""
    return (first_phq is not None and first_phq >= PHQ9_CASE) or (
        first_gad is not None and first_gad >= GAD7_CASE
    )


def recovered(first_phq: int | None, last_phq: int | None,
              first_gad: int | None, last_gad: int | None) -> bool:
    """A case at the start and below both cut-offs at the end (see the module docstring)."""
    if not is_case_at_start(first_phq, first_gad):
        return False
    for first, last, cut in ((first_phq, last_phq, PHQ9_CASE), (first_gad, last_gad, GAD7_CASE)):
        if (first is not None and last is None) or (last is not None and last >= cut):
            return False
    return True


def _changes(first_phq: int | None, last_phq: int | None,
             first_gad: int | None, last_gad: int | None) -> list[Change | None]:
    pairs = ((first_phq, last_phq, PHQ9_RELIABLE), (first_gad, last_gad, GAD7_RELIABLE))
    return [_change(f, last, t, False) for f, last, t in pairs
            if f is not None and last is not None]


def reliable_improvement(first_phq: int | None, last_phq: int | None,
                         first_gad: int | None, last_gad: int | None) -> bool:
    """PHQ-9 down >= 6 or GAD-7 down >= 4, and neither reliably worse."""
    changes = _changes(first_phq, last_phq, first_gad, last_gad)
    return "improved" in changes and "deteriorated" not in changes


def reliable_deterioration(first_phq: int | None, last_phq: int | None,
                           first_gad: int | None, last_gad: int | None) -> bool:
    """PHQ-9 up >= 6 or GAD-7 up >= 4."""
    return "deteriorated" in _changes(first_phq, last_phq, first_gad, last_gad)


def reliable_recovery(first_phq: int | None, last_phq: int | None,
                      first_gad: int | None, last_gad: int | None) -> bool:
    """Recovery and reliable improvement together."""
    return recovered(first_phq, last_phq, first_gad, last_gad) and reliable_improvement(
        first_phq, last_phq, first_gad, last_gad
    )
