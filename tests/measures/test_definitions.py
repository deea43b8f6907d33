"""Loading and validating measure definitions (built in, and added by a municipality)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfhelp.i18n import localized
from selfhelp.measures import definitions
from selfhelp.measures.definitions import (Band, Cutoff, builtin_dir, get_measure, get_measures,
                                           load_measures, measure_dirs, parse_measure,
                                           reset_measures)

VALID = """\
code: TEST-3
name: {nb: "Testskjema", en: "Test form"}
instructions: {nb: "Svar på alt."}
options:
  - {value: 0, label: {nb: "Aldri"}}
  - {value: 1, label: {nb: "Sjelden"}}
  - {value: 2, label: {nb: "Ofte"}}
  - {value: 3, label: {nb: "Alltid"}}
items:
  - {key: a, text: {nb: "A"}}
  - {key: b, text: {nb: "B"}}
  - {key: c, text: {nb: "C"}}
scoring:
  method: sum
  multiplier: 1
  reverse: [b]
range: {min: 0, max: 9}
bands:
  - {min: 0, max: 3, label: {nb: "Lav", en: "Low"}, severity: 0}
  - {min: 4, max: 9, label: {nb: "Høy", en: "High"}, severity: 1}
cutoff: {score: 4, direction: above}
reliable_change: 3
higher_is_better: false
risk_items:
  - {item: c, above: 2}
"""


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv("SELFHELP_MEASURES_DIR", raising=False)
    reset_measures()
    yield
    reset_measures()


def load_text(tmp_path: Path, text: str, name: str = "test.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_measures([tmp_path])


def broken(tmp_path: Path, old: str, new: str) -> list[str]:
    """Load VALID with one change; the file must be left out and its problems returned."""
    assert old in VALID
    measures, problems = load_text(tmp_path, VALID.replace(old, new, 1))
    assert measures == {}
    assert problems, "a broken file must be reported"
    for problem in problems:
        assert re.match(rf"{re.escape(str(tmp_path / 'test.yaml'))}:\d+: \S", problem), problem
    return problems


def test_builtin_measures_load_without_problems():
    measures, problems = load_measures([builtin_dir()])
    assert problems == []
    assert sorted(measures) == ["GAD-2", "GAD-7", "PHQ-2", "PHQ-9", "WHO-5"]


@pytest.mark.parametrize("code, n_items, low, high, multiplier, cutoff, reliable, better", [
    ("PHQ-9", 9, 0, 27, 1, Cutoff(10, "above"), 6, False),
    ("GAD-7", 7, 0, 21, 1, Cutoff(8, "above"), 4, False),
    ("PHQ-2", 2, 0, 6, 1, Cutoff(3, "above"), None, False),
    ("GAD-2", 2, 0, 6, 1, Cutoff(3, "above"), None, False),
    # WHO-5: Jacobson–Truax from SD 20 and reliability 0.85 (1.96 × √2 × 20 × √0.15).
    ("WHO-5", 5, 0, 100, 4, Cutoff(52, "below"), pytest.approx(21.4707, abs=1e-4), True),
])
def test_builtin_definitions_match_the_product_table(code, n_items, low, high, multiplier, cutoff,
                                                     reliable, better):
    m = get_measure(code)
    assert (len(m.items), m.range_min, m.range_max) == (n_items, low, high)
    assert m.multiplier == multiplier
    assert (m.cutoff, m.reliable_change, m.higher_is_better) == (cutoff, reliable, better)
    assert m.scored_items == m.item_keys and m.reverse == ()
    assert all(set(b.label) == {"nb", "en"} for b in m.bands)
    assert all(set(i.text) == {"nb", "en"} for i in m.items)


def test_phq9_bands_and_risk_rule():
    phq9 = get_measure("PHQ-9")
    assert [(b.min, b.max) for b in phq9.bands] == [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]
    assert [b.severity for b in phq9.bands] == [0, 1, 2, 3, 4]
    assert [(r.item, r.above) for r in phq9.risk_rules] == [("q9", 0)]
    assert phq9.max_option == 3 and get_measure("WHO-5").max_option == 5


def test_band_for_and_its_edges():
    phq9 = get_measure("PHQ-9")
    assert [phq9.band_for(s).label["en"] for s in (0, 4, 5, 9, 10, 14, 15, 19, 20, 27)] == [
        "Minimal", "Minimal", "Mild", "Mild", "Moderate", "Moderate", "Moderately severe",
        "Moderately severe", "Severe", "Severe"]
    with pytest.raises(ValueError):
        phq9.band_for(28)
    with pytest.raises(ValueError):
        phq9.band_for(-1)


def test_cutoff_directions():
    assert Cutoff(10, "above").is_case(10) and not Cutoff(10, "above").is_case(9)
    assert Cutoff(52, "below").is_case(48) and not Cutoff(52, "below").is_case(52)


def test_localized_falls_back_to_bokmal():
    band = Band(0, 1, {"nb": "Lav"}, 0)
    assert localized(band.label, "en") == "Lav"
    assert localized({"nb": "Lav", "en": "Low"}, "en") == "Low"


def test_get_measure_raises_keyerror_for_unknown_codes():
    with pytest.raises(KeyError):
        get_measure("PDSS")


def test_a_valid_synthetic_file_loads(tmp_path):
    measures, problems = load_text(tmp_path, VALID)
    assert problems == []
    m = measures["TEST-3"]
    assert m.reverse == ("b",) and m.scored_items == ("a", "b", "c")
    assert m.instructions == {"nb": "Svar på alt."}
    assert m.risk_rules[0].item == "c"


def test_scored_items_subset(tmp_path):
    text = (VALID.replace("  multiplier: 1\n", "  items: [a, b]\n  multiplier: 1\n")
            .replace("range: {min: 0, max: 9}", "range: {min: 0, max: 6}")
            .replace("{min: 4, max: 9,", "{min: 4, max: 6,"))
    measures, problems = load_text(tmp_path, text)
    assert problems == []
    assert measures["TEST-3"].scored_items == ("a", "b")


@pytest.mark.parametrize("old, new, line, message", [
    ("  - {min: 4, max: 9,", "  - {min: 5, max: 9,", 20, "gap in bands: no band covers 4-4"),
    ("  - {min: 4, max: 9,", "  - {min: 3, max: 9,", 20, "overlaps"),
    ("  - {min: 4, max: 9,", "  - {min: 4, max: 8,", 20, "must end at the top of the range, 9"),
    ("{item: c, above: 2}", "{item: q9, above: 2}", 25, "risk item 'q9'"),
    ("{item: c, above: 2}", "{item: c, above: 3}", 25, "risk 'above' must be from 0 to 2"),
    ("range: {min: 0, max: 9}", "range: {min: 0, max: 27}", 17, "does not match the scoring"),
    ("  multiplier: 1", "  multiplier: 4", 17, "gives 0-36"),
    ("  - {value: 2, label", "  - {value: 5, label", 4, "without gaps or repeats"),
    ("  - {value: 2, label", "  - {value: 1, label", 4, "without gaps or repeats"),
    ("  - {key: b,", "  - {key: a,", 11, "duplicate item key 'a'"),
    ("  - {key: b,", "  - {key: B-2,", 11, "may use only a-z"),
    ("method: sum", "method: mean", 14, "must be 'sum'"),
    ("reverse: [b]", "reverse: [b, x]", 16, "unknown item 'x'"),
    ("  multiplier: 1\n", "  items: [a, zz]\n  multiplier: 1\n", 15, "unknown item 'zz'"),
    ("direction: above", "direction: over", 21, "'above' or 'below'"),
    ("cutoff: {score: 4,", "cutoff: {score: 10,", 21, "cutoff.score must be"),
    ("reliable_change: 3", "reliable_change: -2", 22, "above 0"),
    ("reliable_change: 3", "reliable_change: lots", 22, "must be a number"),
    ("higher_is_better: false\n", "", 1, "missing 'higher_is_better'"),
    ("code: TEST-3\n", "", 1, "missing 'code'"),
    ('name: {nb: "Testskjema", en: "Test form"}', 'name: {en: "Test form"}', 2, "at least 'nb'"),
    ("items:\n  - {key: a, text: {nb: \"A\"}}\n  - {key: b, text: {nb: \"B\"}}\n"
     "  - {key: c, text: {nb: \"C\"}}\n", "items: []\n", 9, "'items' must not be empty"),
    ("  - {min: 0, max: 3, label", "  - {min: 0, max: 3, colour: red, label", 19,
     "unknown key 'colour'"),
    ("risk_items:", "risk_item:", 24, "unknown key 'risk_item'"),
    ("reliable_change: 3", "reliable_change: 3\nreliable_change: 4", 23, "duplicate key"),
    ("reliable_change: 3", "reliable_change: 3\njacobson_truax: {sd: 5, reliability: 0.8, "
     "source: {nb: \"Kilde\"}}", 23, "not both"),
    ("reliable_change: 3", "jacobson_truax: {sd: 5, reliability: 1.2, source: {nb: \"Kilde\"}}",
     22, "from 0 to below 1"),
    ("reliable_change: 3", "jacobson_truax: {sd: 0, reliability: 0.8, source: {nb: \"Kilde\"}}",
     22, "sd must be above 0"),
    ("reliable_change: 3", "jacobson_truax: {sd: 5, reliability: 0.8}", 22, "missing"),
    ("options:\n", "options: [\n", 5, "invalid YAML"),
    ("  - {key: c, text", "  - {key: c text", 12, "invalid YAML"),
])
def test_broken_files_are_left_out_and_reported_with_a_line(tmp_path, old, new, line, message):
    problems = broken(tmp_path, old, new)
    assert any(p.startswith(f"{tmp_path / 'test.yaml'}:{line}: ") and message in p
               for p in problems), problems


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("- just\n- a list\n", "must be a mapping"),
    ("code: [unclosed\n", "invalid YAML"),
    ("\tcode: x\n", "invalid YAML"),
    ("a: &x [*x]\n", "unknown key 'a'"),
    ("!!python/object:os.system {}\n", "invalid YAML"),
    ("--- {code: A}\n--- {code: B}\n", "invalid YAML"),
])
def test_garbled_files_never_raise(tmp_path, text, message):
    measures, problems = load_text(tmp_path, text)
    assert measures == {}
    assert any(message in p for p in problems), problems


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path):
    (tmp_path / "a-bad.yaml").write_text("code: [", encoding="utf-8")
    (tmp_path / "b-good.yml").write_text(VALID, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    measures, problems = load_measures([tmp_path])
    assert list(measures) == ["TEST-3"]
    assert len(problems) == 1 and "a-bad.yaml:1:" in problems[0]


def test_a_code_defined_twice_is_reported(tmp_path):
    (tmp_path / "phq9-copy.yaml").write_text(
        (builtin_dir() / "phq9.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    measures, problems = load_measures([builtin_dir(), tmp_path])
    assert measures["PHQ-9"] == get_measure("PHQ-9")
    assert len(problems) == 1 and "is also in" in problems[0]


def test_a_missing_directory_is_reported(tmp_path):
    measures, problems = load_measures([builtin_dir(), tmp_path / "nowhere"])
    assert len(measures) == 5
    assert problems == [f"{tmp_path / 'nowhere'}:0: measure directory not found"]


def test_a_municipality_adds_a_measure_with_one_file(tmp_path, monkeypatch):
    assert "TEST-3" not in get_measures()
    (tmp_path / "test3.yaml").write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("SELFHELP_MEASURES_DIR", str(tmp_path))
    assert measure_dirs() == [builtin_dir(), tmp_path]
    assert "TEST-3" not in get_measures()  # cached per process
    reset_measures()
    assert get_measure("TEST-3").name["en"] == "Test form"
    assert get_measure("PHQ-9").code == "PHQ-9"


def test_measure_dirs_without_the_env_var():
    assert measure_dirs() == [builtin_dir()]
    assert builtin_dir() == Path(definitions.__file__).parent / "data"


def test_get_measures_is_cached():
    assert get_measures() is get_measures()


@settings(max_examples=300, deadline=None, database=None)
@given(st.data())
def test_mangled_files_never_raise(data):
    """Delete, duplicate or garble lines of a valid file: always a measure or problems."""
    lines = VALID.splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 1))
    junk = data.draw(st.text(alphabet="{}[]:,-&*!|>'\" \tab0129", max_size=12))
    how = data.draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "insert":
        lines[i] = lines[i][:len(lines[i]) // 2] + junk + lines[i][len(lines[i]) // 2:]
    else:
        lines[i] = junk + "\n"
    measure, problems = parse_measure("".join(lines), "mangled.yaml")
    assert (measure is None) == bool(problems)
    assert all(re.match(r"mangled\.yaml:\d+: ", p) for p in problems)


@settings(database=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text):
    measure, problems = parse_measure(text, "random.yaml")
    assert measure is None and problems


def test_control_characters_are_reported_with_their_line(tmp_path):
    measures, problems = load_text(tmp_path, VALID.replace("code: TEST-3", "code: TEST\x1f3"))
    assert measures == {}
    assert len(problems) == 1 and ":1: invalid YAML: unacceptable character" in problems[0]
    measures, problems = load_text(tmp_path, VALID + "\x07")
    assert f":{VALID.count(chr(10)) + 1}: invalid YAML" in problems[0]
