"""Loading never raises, leaves out only what is broken, and is cached per process."""
import logging

import pytest

import selfhelp.config
from selfhelp.content import get_catalogue, known_measure_codes, load_catalogue, reset_catalogue
from tests.content.helpers import FIXTURES, KNOWN_MEASURES, tree

CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "base")


def test_base_fixture_has_no_problems(tmp_path):
    catalogue = load_catalogue(tree(tmp_path), KNOWN_MEASURES)
    assert catalogue.problems == ()
    assert list(catalogue.programs) == ["demo", "mini"]


@pytest.mark.parametrize("case", CASES)
def test_every_broken_fixture_is_reported_and_only_what_is_broken_is_left_out(tmp_path, case):
    catalogue = load_catalogue(tree(tmp_path, case), KNOWN_MEASURES)
    assert catalogue.problems
    broken = {p.path.split("/")[1].removesuffix(".yaml") for p in catalogue.problems}
    assert set(catalogue.programs) == {"demo", "mini"} - broken
    assert {code.lower() for code in catalogue.courses} == {"kid", "du"} - broken


def test_missing_content_folders_are_reported(tmp_path):
    catalogue = load_catalogue(tmp_path, KNOWN_MEASURES)
    assert [str(p) for p in catalogue.problems] == [
        "courses:1: the folder courses/ is missing", "modules:1: the folder modules/ is missing"]


def test_unknown_measures_are_reported_when_none_are_known(tmp_path):
    catalogue = load_catalogue(tree(tmp_path), set())
    assert "modules/demo/program.yaml:10: measure 'PHQ-9': unknown code (known: none)" in [
        str(p) for p in catalogue.problems]
    assert list(catalogue.programs) == ["mini"]


def test_extra_measure_folder_adds_codes_and_skips_unreadable_files(tmp_path, monkeypatch,
                                                                    caplog):
    (tmp_path / "k10.yaml").write_text("code: K-10\n")
    (tmp_path / "broken.yaml").write_text("code: [\n")
    monkeypatch.setenv("SELFHELP_MEASURES_DIR", str(tmp_path))
    with caplog.at_level(logging.WARNING, "selfhelp.content"):
        codes = known_measure_codes()
    assert {"K-10", "PHQ-9", "WHO-5"} <= codes
    assert "broken.yaml" in caplog.text


@pytest.fixture
def fresh_catalogue():
    reset_catalogue()
    yield
    reset_catalogue()


def test_get_catalogue_loads_once_until_reset(fresh_catalogue):
    first = get_catalogue()
    assert get_catalogue() is first
    reset_catalogue()
    assert get_catalogue() is not first


def test_get_catalogue_logs_each_problem_as_a_warning(tmp_path, monkeypatch, caplog,
                                                      fresh_catalogue):
    monkeypatch.setattr(selfhelp.config, "ROOT", tree(tmp_path, "program_bad_unlock"))
    with caplog.at_level(logging.WARNING, "selfhelp.content"):
        catalogue = get_catalogue()
    assert list(catalogue.programs) == ["mini"]
    assert [r.getMessage() for r in caplog.records] == [
        "content: modules/demo/program.yaml:7: 'unlock' must be one of weekly, on_completion, "
        "not 'daily'"]
