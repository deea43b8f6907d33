"""Reliable change, Jacobson–Truax and the NHS Talking Therapies outcome definitions."""
from __future__ import annotations

import math

import pytest

from selfhelp.measures.definitions import get_measure, reset_measures
from selfhelp.measures.scoring import (GAD7_CASE, GAD7_RELIABLE, PHQ9_CASE, PHQ9_RELIABLE, change,
                                       is_case_at_start, jacobson_truax_threshold, recovered,
                                       reliable_deterioration, reliable_improvement,
                                       reliable_recovery)


@pytest.fixture(autouse=True)
def builtin_only(monkeypatch):
    monkeypatch.delenv("SELFHELP_MEASURES_DIR", raising=False)
    reset_measures()
    yield
    reset_measures()


@pytest.mark.parametrize("code, first, latest, expected", [
    ("PHQ-9", 16, 10, "improved"),      # down by exactly 6
    ("PHQ-9", 16, 11, None),            # down by 5
    ("PHQ-9", 10, 16, "deteriorated"),  # up by exactly 6
    ("PHQ-9", 10, 15, None),
    ("PHQ-9", 27, 0, "improved"),
    ("PHQ-9", 12, 12, None),
    ("GAD-7", 12, 8, "improved"),       # down by exactly 4
    ("GAD-7", 12, 9, None),
    ("GAD-7", 8, 12, "deteriorated"),
    ("GAD-7", 8, 11, None),
    ("WHO-5", 40, 64, "improved"),      # higher is better: up by 24 (threshold 21.5)
    ("WHO-5", 40, 60, None),            # up by 20: not beyond the measurement error
    ("WHO-5", 64, 40, "deteriorated"),
    ("WHO-5", 52, 32, None),
    ("PHQ-2", 6, 0, None),              # no reliable change defined
    ("GAD-2", 0, 6, None),
])
def test_reliable_change_counts_a_change_equal_to_the_threshold(code, first, latest, expected):
    assert change(get_measure(code), first, latest) == expected


def test_jacobson_truax_threshold():
    # 1.96 × √2 × 5 × √(1 − 0.84) = 1.96 × 1.41421 × 5 × 0.4 = 5.5437
    assert jacobson_truax_threshold(5, 0.84) == pytest.approx(5.5437, abs=1e-4)
    assert jacobson_truax_threshold(5, 0.84) == pytest.approx(1.96 * math.sqrt(2) * 2)
    assert jacobson_truax_threshold(10, 1.0) == 0
    assert jacobson_truax_threshold(0, 0.5) == 0


@pytest.mark.parametrize("sd, r", [(-1, 0.8), (5, 1.2), (5, -0.1)])
def test_jacobson_truax_rejects_impossible_inputs(sd, r):
    with pytest.raises(ValueError):
        jacobson_truax_threshold(sd, r)


def test_outcome_constants_match_the_measure_definitions():
    phq9, gad7 = get_measure("PHQ-9"), get_measure("GAD-7")
    assert (phq9.cutoff.score, phq9.cutoff.direction, phq9.reliable_change) == (
        PHQ9_CASE, "above", PHQ9_RELIABLE)
    assert (gad7.cutoff.score, gad7.cutoff.direction, gad7.reliable_change) == (
        GAD7_CASE, "above", GAD7_RELIABLE)


@pytest.mark.parametrize("phq, gad, case", [
    (10, None, True), (None, 8, True), (9, 8, True), (10, 0, True),
    (9, 7, False), (9, None, False), (None, 7, False), (None, None, False),
])
def test_case_is_phq9_from_10_or_gad7_from_8_at_the_start(phq, gad, case):
    assert is_case_at_start(phq, gad) is case


@pytest.mark.parametrize("first_phq, last_phq, first_gad, last_gad, expected", [
    (12, 8, 6, 5, True),          # case on PHQ-9, both below at the end
    (12, 9, 9, 7, True),          # just below both cut-offs
    (12, 10, 6, 5, False),        # PHQ-9 still at the cut-off
    (12, 8, 9, 8, False),         # GAD-7 still at the cut-off
    (9, 3, 7, 2, False),          # not a case at the start
    (12, None, None, None, False),  # no end score: unknown is not recovered
    (12, 8, 9, None, False),      # GAD-7 given at the start but not at the end
    (12, 8, None, None, True),    # PHQ-9 only
    (None, None, 10, 3, True),    # GAD-7 only
    (5, 4, 10, 3, True),
    (None, None, None, None, False),
])
def test_recovery(first_phq, last_phq, first_gad, last_gad, expected):
    assert recovered(first_phq, last_phq, first_gad, last_gad) is expected


@pytest.mark.parametrize("first_phq, last_phq, first_gad, last_gad, improved, worse", [
    (16, 10, None, None, True, False),   # PHQ-9 down exactly 6
    (16, 11, None, None, False, False),  # down 5
    (None, None, 10, 6, True, False),    # GAD-7 down exactly 4
    (None, None, 10, 7, False, False),
    (16, 10, 4, 8, False, True),         # better on PHQ-9 but reliably worse on GAD-7
    (16, 10, 8, 11, True, False),        # GAD-7 up 3 is not reliable
    (5, 11, None, None, False, True),    # PHQ-9 up exactly 6
    (5, 10, 3, 6, False, False),
    (None, None, 3, 7, False, True),     # GAD-7 up exactly 4
    (16, None, 10, None, False, False),  # no end scores
    (None, 10, None, 4, False, False),   # no start scores
    (None, None, None, None, False, False),
])
def test_reliable_improvement_and_deterioration(first_phq, last_phq, first_gad, last_gad,
                                                 improved, worse):
    assert reliable_improvement(first_phq, last_phq, first_gad, last_gad) is improved
    assert reliable_deterioration(first_phq, last_phq, first_gad, last_gad) is worse


@pytest.mark.parametrize("first_phq, last_phq, first_gad, last_gad, expected", [
    (16, 8, 9, 5, True),            # recovered and PHQ-9 down 8
    (11, 9, 8, 7, False),           # recovered, but no reliable improvement
    (25, 15, 5, 5, False),          # reliable improvement, still a case
    (9, 2, 7, 1, False),            # reliable improvement, but never a case
    (16, 10, None, None, False),    # PHQ-9 at the cut-off at the end
    (16, 9, None, None, True),
    (None, None, 12, 7, True),      # GAD-7 down 5, below 8
])
def test_reliable_recovery_needs_recovery_and_reliable_improvement(
        first_phq, last_phq, first_gad, last_gad, expected):
    assert reliable_recovery(first_phq, last_phq, first_gad, last_gad) is expected


def test_who5_reliable_change_is_jacobson_truax_from_the_sd_and_reliability_in_its_file():
    who5 = get_measure("WHO-5")
    basis = who5.reliable_basis
    assert (basis.sd, basis.reliability) == (20.0, 0.85)
    assert "Cronbach" in basis.source["nb"] and "Cronbach" in basis.source["en"]
    # 1.96 × √2 × 20 × √0.15 = 2.77186 × 20 × 0.38730 = 21.47
    assert who5.reliable_change == pytest.approx(21.47, abs=0.01)
    assert who5.reliable_change == jacobson_truax_threshold(20, 0.85)
