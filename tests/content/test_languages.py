"""A program offered in a language has every module, exercise text, field text and option in it."""
import shutil

import pytest

from selfhelp.config import ROOT
from selfhelp.content import known_measure_codes, load_catalogue
from tests.content.helpers import KNOWN_MEASURES, problems, tree

PROGRAM = "modules/demo/program.yaml"
START = "modules/demo/01-start.en.md"


def test_one_english_module_file_missing_is_reported_at_its_line_and_drops_the_program(
        tmp_path):
    root = tree(tmp_path)
    (root / "modules/demo/02-end.en.md").unlink()
    catalogue = load_catalogue(root, KNOWN_MEASURES)
    assert [str(p) for p in catalogue.problems] == [
        f"{PROGRAM}:17: module '02-end': the English file modules/demo/02-end.en.md is missing "
        "(other modules have one)"]
    # A resident reading in English must not fall back to bokmål halfway through.
    assert "demo" not in catalogue.programs


def test_declared_language_needs_every_module_and_text_in_it(tmp_path):
    assert problems(tmp_path, "program_languages_declared_not_written") == [
        "modules/mini/program.yaml:2: 'title': missing the 'en' text (the program is offered in "
        "English)",
        "modules/mini/program.yaml:3: 'summary': missing the 'en' text (the program is offered "
        "in English)",
        "modules/mini/program.yaml:4: 'description': missing the 'en' text (the program is "
        "offered in English)",
        "modules/mini/program.yaml:5: 'audience': missing the 'en' text (the program is offered "
        "in English)",
        "modules/mini/program.yaml:13: module '01-alt': the English file "
        "modules/mini/01-alt.en.md is missing (program.yaml declares it under 'languages')"]


def test_declaring_the_languages_a_program_has_is_accepted(tmp_path):
    root = tree(tmp_path)
    path = root / PROGRAM
    path.write_text(path.read_text(encoding="utf-8") + "languages: [nb, en]\n", encoding="utf-8")
    catalogue = load_catalogue(root, KNOWN_MEASURES)
    assert catalogue.problems == ()
    assert catalogue.programs["demo"].languages == {"nb", "en"}


def test_languages_must_include_bokmal(tmp_path):
    assert problems(tmp_path, "program_languages_without_bokmal") == [
        f"{PROGRAM}:15: 'languages' must include 'nb' (every module is written in bokmål first)"]


def test_unknown_or_repeated_language_is_reported(tmp_path):
    assert problems(tmp_path, "program_languages_unknown") == [
        f"{PROGRAM}:15: unknown 'languages' value 'de' (known: nb, en)",
        f"{PROGRAM}:15: 'languages' lists 'en' twice"]


def test_module_file_in_an_unknown_language_is_reported(tmp_path):
    assert problems(tmp_path, "module_unknown_language_file") == [
        "modules/demo/01-start.de.md:1: unknown language 'de' in the file name (known: en; "
        "bokmål has none)"]


def test_empty_english_option_is_reported(tmp_path):
    assert problems(tmp_path, "english_option_empty") == [
        f"{START}:26: exercise 'mood': field 'feeling': 'options' must be a non-empty string"]


def test_options_left_in_bokmal_are_reported(tmp_path):
    assert problems(tmp_path, "english_options_not_translated") == [
        f"{START}:23: exercise 'mood': field 'feeling': the options are the bokmål ones "
        "(not translated)"]


def test_help_text_missing_in_english_is_reported(tmp_path):
    assert problems(tmp_path, "english_help_missing") == [
        f"{START}:27: exercise 'mood': field 'hours': 'help' is missing (the bokmål file has it)"]


def test_exercise_intro_missing_in_english_is_reported(tmp_path):
    assert problems(tmp_path, "english_intro_missing") == [
        f"{START}:6: exercise 'goals': 'intro' is missing (the bokmål file has it)"]


def test_scale_end_label_missing_in_english_is_reported(tmp_path):
    assert problems(tmp_path, "english_scale_label_missing") == [
        f"{START}:19: exercise 'goals': field 'specific_goals': column 'importance': "
        "'min_label' is missing (the bokmål file has it)"]


@pytest.fixture
def shipped(tmp_path):
    """A copy of the repository's programs and courses, to break one thing in."""
    root = tmp_path / "shipped"
    for name in ("modules", "courses"):
        shutil.copytree(ROOT / name, root / name)
    return root


def _check(root):
    return [str(p) for p in load_catalogue(root, known_measure_codes()).problems]


@pytest.mark.parametrize("program", ["depression", "panic", "social-anxiety", "while-you-wait"])
def test_each_shipped_program_reports_a_removed_english_module(shipped, program):
    last = sorted((shipped / "modules" / program).glob("*.en.md"))[-1]
    last.unlink()
    found = _check(shipped)
    assert len(found) == 1
    assert f"the English file modules/{program}/{last.name} is missing" in found[0]


def test_a_shipped_option_without_english_is_reported(shipped):
    path = shipped / "modules/while-you-wait/02-sma-steg-i-hverdagen.en.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Saturday, Sunday]", "Saturday]"), encoding="utf-8")
    found = _check(shipped)
    assert len(found) == 1
    assert "field 'plan': column 'day': has 6 options, the bokmål file has 7" in found[0]
