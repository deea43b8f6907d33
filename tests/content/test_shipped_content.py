"""The content in the repository loads without problems."""
import pytest

from selfhelp.config import ROOT
from selfhelp.content import known_measure_codes, load_catalogue


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT, known_measure_codes())


def test_shipped_content_has_no_problems(catalogue):
    assert [str(p) for p in catalogue.problems] == []


def test_all_four_programs_load_with_their_modules(catalogue):
    assert {slug: len(p.modules) for slug, p in catalogue.programs.items()} == {
        "depression": 8, "panic": 8, "social-anxiety": 9, "while-you-wait": 3}
    assert [m.number for m in catalogue.programs["social-anxiety"].modules] == list(range(1, 10))


def test_every_program_is_complete_in_bokmal_and_english(catalogue):
    assert {slug: p.languages for slug, p in catalogue.programs.items()} == {
        "depression": {"nb", "en"}, "panic": {"nb", "en"}, "social-anxiety": {"nb", "en"},
        "while-you-wait": {"nb", "en"}}
    for program in catalogue.programs.values():
        assert all(text.get("en") for text in (program.title, program.summary,
                                               program.audience, program.description_html))


def test_all_three_courses_load_with_ten_sessions(catalogue):
    assert {code: len(c.sessions) for code, c in catalogue.courses.items()} == {
        "KiD": 10, "KiB": 10, "DU": 10}
    assert list(catalogue.courses) == ["KiD", "KiB", "DU"]


def test_every_program_sets_goals_first_and_reviews_them_last(catalogue):
    for program in catalogue.programs.values():
        assert "goals" in program.modules[0].field_keys()
        assert "goals_review" in program.modules[-1].field_keys()


def test_english_options_map_to_bokmal_values_by_position(catalogue):
    module = catalogue.programs["depression"].module("03-atferdsaktivering")
    assert module.options_nb("activity_plan", "plan", "kind") == ("glede", "mestring", "plikt")
    english = module.text("en").exercise("activity_plan").field("plan").column("kind")
    assert english.options == ("enjoyment", "achievement", "duty")


def test_measure_codes_come_from_the_questionnaire_files():
    assert {"PHQ-9", "PHQ-2", "GAD-7", "GAD-2", "WHO-5"} <= known_measure_codes()
