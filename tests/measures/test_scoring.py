"""Scoring of every built-in measure, checked against hand-computed totals."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfhelp.measures.definitions import (Band, Cutoff, Item, Measure, Option, RiskRule,
                                           get_measure, reset_measures)
from selfhelp.measures.scoring import IncompleteAnswers, parse_answers, score, score_subset


@pytest.fixture(autouse=True)
def builtin_only(monkeypatch):
    monkeypatch.delenv("SELFHELP_MEASURES_DIR", raising=False)
    reset_measures()
    yield
    reset_measures()


def answers(*values: int) -> dict[str, int]:
    return {f"q{i}": v for i, v in enumerate(values, start=1)}


@pytest.mark.parametrize("values, total, band, case", [
    ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "Minimal", False),
    ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "Minimal", False),
    ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "Mild", False),
    ((1, 1, 1, 1, 1, 1, 1, 1, 1), 9, "Mild", False),
    ((2, 1, 1, 1, 1, 1, 1, 1, 1), 10, "Moderat", True),
    ((2, 2, 2, 2, 1, 1, 1, 0, 0), 11, "Moderat", True),
    ((2, 2, 2, 2, 2, 1, 1, 1, 1), 14, "Moderat", True),
    ((2, 2, 2, 2, 2, 2, 1, 1, 1), 15, "Moderat alvorlig", True),
    ((3, 3, 3, 2, 2, 2, 2, 2, 0), 19, "Moderat alvorlig", True),
    ((3, 3, 3, 3, 2, 2, 2, 2, 0), 20, "Alvorlig", True),
    ((3, 3, 3, 3, 3, 3, 3, 3, 3), 27, "Alvorlig", True),
])
def test_phq9_totals_bands_and_caseness(values, total, band, case):
    result = score(get_measure("PHQ-9"), answers(*values))
    assert (result.total, result.raw, result.band.label["nb"], result.is_case) == (
        total, total, band, case)


@pytest.mark.parametrize("values, total, band, case", [
    ((0, 0, 0, 0, 0, 0, 0), 0, "Minimal", False),
    ((1, 1, 1, 1, 0, 0, 0), 4, "Minimal", False),
    ((1, 1, 1, 1, 1, 0, 0), 5, "Mild", False),
    ((1, 1, 1, 1, 1, 1, 1), 7, "Mild", False),
    ((2, 1, 1, 1, 1, 1, 1), 8, "Mild", True),
    ((2, 2, 1, 1, 1, 1, 1), 9, "Mild", True),
    ((2, 2, 2, 1, 1, 1, 1), 10, "Moderat", True),
    ((2, 2, 2, 2, 2, 2, 2), 14, "Moderat", True),
    ((3, 2, 2, 2, 2, 2, 2), 15, "Alvorlig", True),
    ((3, 3, 3, 3, 3, 3, 3), 21, "Alvorlig", True),
])
def test_gad7_totals_bands_and_caseness_at_8(values, total, band, case):
    result = score(get_measure("GAD-7"), answers(*values))
    assert (result.total, result.band.label["nb"], result.is_case) == (total, band, case)


@pytest.mark.parametrize("code", ["PHQ-2", "GAD-2"])
@pytest.mark.parametrize("values, total, positive", [
    ((0, 0), 0, False), ((1, 1), 2, False), ((2, 0), 2, False),
    ((2, 1), 3, True), ((0, 3), 3, True), ((3, 3), 6, True),
])
def test_two_item_screens_are_positive_from_3(code, values, total, positive):
    result = score(get_measure(code), answers(*values))
    assert (result.total, result.is_case, result.band.severity) == (total, positive, int(positive))
    assert result.band.label["en"] == ("Positive screen" if positive else "Negative screen")


@pytest.mark.parametrize("values, raw, total, band, poor", [
    ((0, 0, 0, 0, 0), 0, 0, "Svært lavt velvære", True),
    ((2, 2, 1, 1, 1), 7, 28, "Svært lavt velvære", True),
    ((2, 2, 2, 1, 1), 8, 32, "Lavt velvære", True),
    ((3, 3, 2, 2, 2), 12, 48, "Lavt velvære", True),
    ((3, 3, 3, 2, 2), 13, 52, "Godt velvære", False),
    ((5, 5, 5, 5, 5), 25, 100, "Godt velvære", False),
])
def test_who5_raw_score_times_4_and_poor_wellbeing_below_13(values, raw, total, band, poor):
    result = score(get_measure("WHO-5"), answers(*values))
    assert (result.raw, result.total, result.band.label["nb"], result.is_case) == (
        raw, total, band, poor)


@pytest.mark.parametrize("q9, flagged", [(0, ()), (1, ("q9",)), (3, ("q9",))])
def test_phq9_item_9_above_0_is_a_risk_flag(q9, flagged):
    assert score(get_measure("PHQ-9"), answers(0, 0, 0, 0, 0, 0, 0, 0, q9)).risk_items == flagged


def test_measures_without_risk_rules_never_flag():
    assert score(get_measure("GAD-7"), answers(3, 3, 3, 3, 3, 3, 3)).risk_items == ()


def synthetic(options=(0, 1, 2, 3), reverse=("b",), multiplier=1) -> Measure:
    n = 3
    low, high = options[0] * n * multiplier, options[-1] * n * multiplier
    middle = (low + high) // 2
    return Measure(
        "TEST-3", {"nb": "Test"}, {"nb": "Svar"},
        tuple(Option(v, {"nb": str(v)}) for v in options),
        tuple(Item(k, {"nb": k.upper()}) for k in "abc"), (), multiplier, reverse, low, high,
        (Band(low, middle, {"nb": "Lav"}, 0), Band(middle + 1, high, {"nb": "Høy"}, 1)),
        Cutoff(middle + 1, "above"), 3, False, (RiskRule("c", 2),))


def test_reverse_scored_items_count_max_minus_value():
    measure = synthetic()
    assert measure.scored_items == ("a", "b", "c")  # empty means all
    assert score(measure, {"a": 0, "b": 0, "c": 0}).total == 3
    assert score(measure, {"a": 1, "b": 3, "c": 2}).total == 3
    assert score(measure, {"a": 3, "b": 0, "c": 3}).total == 9


def test_reverse_scoring_on_options_starting_at_1_stays_in_range():
    measure = synthetic(options=(1, 2, 3, 4, 5))
    assert (measure.range_min, measure.range_max) == (3, 15)
    assert score(measure, {"a": 1, "b": 5, "c": 1}).total == 3  # b: 1 + 5 - 5
    assert score(measure, {"a": 5, "b": 1, "c": 5}).total == 15


def test_multiplier_applies_after_reverse_scoring():
    result = score(synthetic(multiplier=4), {"a": 1, "b": 3, "c": 2})
    assert (result.raw, result.total) == (3, 12)


def test_risk_rule_threshold_is_strictly_above():
    measure = synthetic()
    assert score(measure, {"a": 0, "b": 0, "c": 2}).risk_items == ()
    assert score(measure, {"a": 0, "b": 0, "c": 3}).risk_items == ("c",)


def test_parse_answers_reads_form_strings():
    form = {f"q{i}": " 1 " if i == 1 else "2" for i in range(1, 10)} | {"csrf_token": "x"}
    parsed = parse_answers(get_measure("PHQ-9"), form)
    assert parsed == {"q1": 1} | {f"q{i}": 2 for i in range(2, 10)}


def test_parse_answers_lists_every_missing_and_invalid_item():
    form = {"q1": "0", "q2": "", "q3": "4", "q4": "-1", "q5": "x", "q6": "1.0", "q7": "٣",
            "q8": "   "}  # q9 absent
    with pytest.raises(IncompleteAnswers) as caught:
        parse_answers(get_measure("PHQ-9"), form)
    assert caught.value.missing == ("q2", "q8", "q9")
    assert caught.value.invalid == ("q3", "q4", "q5", "q6", "q7")
    assert isinstance(caught.value, ValueError)
    assert "q9" in str(caught.value) and "q7" in str(caught.value)


def test_option_values_depend_on_the_measure():
    form = {f"q{i}": "5" for i in range(1, 6)}
    assert score(get_measure("WHO-5"), parse_answers(get_measure("WHO-5"), form)).total == 100
    with pytest.raises(IncompleteAnswers) as caught:
        parse_answers(get_measure("GAD-7"), form)
    assert caught.value.invalid == ("q1", "q2", "q3", "q4", "q5")
    assert caught.value.missing == ("q6", "q7")


def test_score_rejects_incomplete_invalid_and_foreign_answers():
    phq9 = get_measure("PHQ-9")
    with pytest.raises(IncompleteAnswers) as caught:
        score(phq9, answers(1, 1, 1) | {"q5": 4, "q6": True})
    assert caught.value.missing == ("q4", "q7", "q8", "q9")
    assert caught.value.invalid == ("q5", "q6")  # 4 is not an option; True is not a number
    with pytest.raises(ValueError, match="q10"):
        score(get_measure("PHQ-2"), answers(1, 1) | {"q10": 1})


def test_score_subset_scores_short_forms_from_long_form_answers():
    phq9 = answers(2, 1, 3, 3, 3, 3, 3, 3, 1)
    assert score_subset(get_measure("PHQ-2"), phq9).total == 3
    assert score_subset(get_measure("PHQ-2"), phq9).is_case is True
    gad7 = answers(1, 1, 3, 3, 3, 3, 3)
    assert score_subset(get_measure("GAD-2"), gad7).total == 2
    assert score_subset(get_measure("GAD-2"), gad7).is_case is False
    with pytest.raises(IncompleteAnswers):
        score_subset(get_measure("PHQ-2"), {"q1": 1})


@pytest.mark.parametrize("short, long", [("PHQ-2", "PHQ-9"), ("GAD-2", "GAD-7")])
def test_short_forms_are_the_first_two_items_of_the_long_forms(short, long):
    assert get_measure(short).items == get_measure(long).items[:2]
    assert get_measure(short).options == get_measure(long).options


@pytest.mark.parametrize("code", ["PHQ-9", "GAD-7", "PHQ-2", "GAD-2", "WHO-5"])
def test_any_complete_answers_score_inside_the_range(code):
    measure = get_measure(code)
    values = [o.value for o in measure.options]

    @settings(database=None)
    @given(st.lists(st.sampled_from(values), min_size=len(measure.items),
                    max_size=len(measure.items)))
    def check(picked):
        given_answers = dict(zip(measure.item_keys, picked))
        result = score(measure, given_answers)
        assert measure.range_min <= result.total <= measure.range_max
        assert result.total == sum(picked) * measure.multiplier
        assert result.band.min <= result.total <= result.band.max
        form = {k: str(v) for k, v in given_answers.items()}
        assert parse_answers(measure, form) == given_answers

    check()
