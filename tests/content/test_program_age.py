"""min_age in program.yaml: guided programs default to 16, unguided to no limit; bad values are
reported by the content check."""
from __future__ import annotations

import pytest

from selfhelp.content import load_catalogue
from tests.content.helpers import KNOWN_MEASURES, tree


def _load(tmp_path, program: str, line: str | None):
    root = tree(tmp_path)
    path = root / "modules" / program / "program.yaml"
    if line is not None:
        path.write_text(path.read_text(encoding="utf-8").replace("unlock:", f"{line}\nunlock:", 1),
                        encoding="utf-8")
    return load_catalogue(root, KNOWN_MEASURES)


def test_a_guided_program_is_for_16_and_older_unless_the_file_says_otherwise(tmp_path):
    catalogue = _load(tmp_path, "demo", None)
    assert catalogue.programs["demo"].min_age == 16
    assert catalogue.programs["mini"].min_age is None  # unguided: no limit unless set


@pytest.mark.parametrize("line, expected", [("min_age: 18", 18), ("min_age: 14", 14), ("min_age: null", None)])
def test_min_age_in_the_file_is_used(tmp_path, line, expected):
    assert _load(tmp_path, "demo", line).programs["demo"].min_age == expected


@pytest.mark.parametrize("line, message", [
    ("min_age: sixteen", "'min_age' must be a whole number or null"),
    ("min_age: -1", "'min_age' must be at least 0, not -1"),
    ("min_age: 200", "'min_age' must be at most 120, not 200"),
])
def test_a_bad_min_age_is_reported_and_the_program_left_out(tmp_path, line, message):
    catalogue = _load(tmp_path, "demo", line)
    assert "demo" not in catalogue.programs
    assert [p.message for p in catalogue.problems] == [message]
