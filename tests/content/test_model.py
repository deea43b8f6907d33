"""The loaded objects: accessors, fallbacks to bokmål, immutability."""
import dataclasses

import pytest

from selfhelp.content import Problem
from selfhelp.content.markdown import render, word_count
from tests.content.helpers import load


@pytest.fixture
def catalogue(tmp_path):
    return load(tmp_path)


def test_module_text_falls_back_to_bokmal(catalogue):
    demo = catalogue.programs["demo"].module("01-start")
    assert demo.text("en").title == "Start" and demo.text("en").summary == "About the program."
    assert demo.text("de").summary == "Om programmet."
    mini = catalogue.programs["mini"].modules[0]
    assert mini.text("en") is mini.texts["nb"]


def test_program_languages_are_those_every_module_has(catalogue):
    assert catalogue.programs["demo"].languages == {"nb", "en"}
    assert catalogue.programs["mini"].languages == {"nb"}


def test_modules_are_numbered_from_one_and_found_by_slug(catalogue):
    program = catalogue.programs["demo"]
    assert [(m.slug, m.number) for m in program.modules] == [("01-start", 1), ("02-end", 2)]
    assert program.module("02-end") is program.modules[1]
    assert program.module("03-nope") is None
    assert program.modules[1].minutes == 15


def test_field_keys_per_exercise(catalogue):
    assert catalogue.programs["demo"].module("01-start").field_keys() == {
        "goals": ("general_goal", "specific_goals"), "mood": ("feeling", "hours")}


def test_options_nb_gives_the_stored_values_also_for_columns(catalogue):
    module = catalogue.programs["demo"].module("01-start")
    assert module.options_nb("mood", "feeling") == ("bra", "middels", "dårlig")
    assert module.options_nb("goals", "specific_goals", "goal") == ()
    with pytest.raises(KeyError):
        module.options_nb("mood", "nope")


def test_fields_carry_their_type_specific_settings(catalogue):
    goals = catalogue.programs["demo"].module("01-start").text("en").exercise("goals")
    rows = goals.field("specific_goals")
    assert (rows.type, rows.add_label, rows.min_rows, rows.sort_by) == ("rows", "Add a goal", 1,
                                                                         None)
    scale = rows.column("importance")
    assert (scale.min, scale.max, scale.min_label, scale.max_label) == (0, 10, "A little", "A lot")
    hours = catalogue.programs["demo"].module("01-start").text("nb").exercise("mood").field("hours")
    assert (hours.min, hours.max, hours.help) == (0, 24, "Omtrent.")
    review = catalogue.programs["demo"].module("02-end").text("nb").exercise("goals_review")
    assert (review.field("progress").sort_by, review.field("progress").min_rows) == ("when", 2)


def test_program_settings_and_markdown_are_loaded(catalogue):
    program = catalogue.programs["demo"]
    assert program.description_html == {"nb": "<p>Et <em>lite</em> program.</p>\n",
                                         "en": "<p>A <em>small</em> program.</p>\n"}
    assert (program.guided, program.unlock, program.weeks) == (True, "weekly", 2)
    assert [(m.code, m.when) for m in program.measures] == [
        ("PHQ-9", ("start", "weekly", "end", "followup")), ("WHO-5", ("start", "end"))]
    assert program.followup_months == (3,)
    goals = program.module("01-start").text("nb").exercise("goals")
    assert goals.intro_html == "<p>Skriv <em>målene</em> dine.</p>\n"
    assert "<h2>Velkommen</h2>" in program.module("01-start").text("nb").body_html


def test_course_settings_are_loaded(catalogue):
    kid = catalogue.courses["KiD"]
    assert (kid.group_min, kid.group_default, kid.group_max) == (8, 10, 12)
    assert (kid.leaders_required, kid.leader_qualification) == (1, "kid_leader")
    assert [(s.number, s.week, s.kind) for s in kid.sessions] == [(1, 0, "weekly"),
                                                                  (2, 4, "followup")]
    assert kid.sessions[0].title == {"nb": "Første samling", "en": "First session"}


def test_loaded_objects_are_immutable(catalogue):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.programs["demo"].weeks = 3  # type: ignore[misc]
    assert isinstance(catalogue.programs["demo"].modules, tuple)


def test_problem_prints_as_path_line_message():
    assert str(Problem("modules/x/program.yaml", 3, "oops")) == "modules/x/program.yaml:3: oops"


def test_raw_html_in_markdown_is_escaped_not_passed_through():
    assert render("Trykk <b>her</b>.") == "<p>Trykk &lt;b&gt;her&lt;/b&gt;.</p>\n"


def test_word_count_ignores_markup():
    assert word_count("## Tittel\n\n- **Alt teller.** [lenke](https://x.no)\n1. Ett — to\n") == 6
