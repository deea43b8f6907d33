"""Problems in a module file: front matter, exercises, fields and body text."""
from tests.content.helpers import problems

START, END = "modules/demo/01-start.md", "modules/demo/02-end.md"


def test_unknown_field_type_is_reported_with_file_and_line(tmp_path):
    assert problems(tmp_path, "module_unknown_field_type") == [
        f"{END}:18: exercise 'goals_review': field 'helped': unknown type 'texts' "
        "(known: short_text, long_text, scale, number, choice, multi_choice, date, rows)"]


def test_file_without_front_matter_is_reported(tmp_path):
    assert problems(tmp_path, "module_no_front_matter") == [
        f"{END}:1: the file must start with front matter: a '---' line, the YAML, "
        "and another '---' line"]


def test_front_matter_that_is_not_closed_is_reported(tmp_path):
    assert problems(tmp_path, "module_front_matter_not_closed") == [
        f"{END}:1: the front matter is not closed by a '---' line"]


def test_garbled_front_matter_is_reported_at_the_file_line(tmp_path):
    assert problems(tmp_path, "module_garbled_front_matter") == [
        f"{END}:12: cannot read the front matter: while parsing a flow sequence: "
        "expected ',' or ']', but got ':' (on line 13)"]


def test_misspelt_front_matter_key_is_reported(tmp_path):
    assert problems(tmp_path, "module_unknown_front_matter_key") == [
        f"{END}:2: missing 'minutes'",
        f"{END}:3: unknown key 'minuts' (allowed: title, minutes, summary, exercises)"]


def test_minutes_must_be_a_whole_number(tmp_path):
    assert problems(tmp_path, "module_minutes_not_a_number") == [
        f"{END}:3: 'minutes' must be a whole number"]


def test_misspelt_field_key_is_reported(tmp_path):
    assert problems(tmp_path, "module_unknown_field_key") == [
        f"{END}:17: exercise 'goals_review': field 'helped': missing 'label'",
        f"{END}:19: exercise 'goals_review': field 'helped': unknown key 'lable' (allowed: key, "
        "type, label, help, min_label, max_label, min, max, options, columns, add_label, "
        "min_rows, sort_by)"]


def test_exercise_key_must_be_lowercase_letters_digits_and_underscores(tmp_path):
    assert problems(tmp_path, "module_bad_exercise_key") == [
        f"{END}:6: exercise 'Goals-Review': key 'Goals-Review' must be a-z, 0-9 and _, "
        "starting with a letter"]


def test_field_keys_must_be_unique_within_an_exercise(tmp_path):
    assert problems(tmp_path, "module_duplicate_field_key") == [
        f"{END}:17: exercise 'goals_review': duplicate field key 'progress'"]


def test_key_that_does_not_apply_to_the_field_type_is_reported(tmp_path):
    assert problems(tmp_path, "module_key_not_for_type") == [
        f"{START}:13: exercise 'goals': field 'general_goal': 'options' does not apply to "
        "type 'long_text'"]


def test_number_field_needs_min_below_max(tmp_path):
    assert problems(tmp_path, "module_number_min_not_below_max") == [
        f"{START}:31: exercise 'mood': field 'hours': 'min' (30) must be less than 'max' (24)"]


def test_number_field_needs_max(tmp_path):
    assert problems(tmp_path, "module_number_without_max") == [
        f"{START}:27: exercise 'mood': field 'hours': missing 'max' (required for type 'number')"]


def test_choice_field_needs_options(tmp_path):
    assert problems(tmp_path, "module_choice_without_options") == [
        f"{START}:23: exercise 'mood': field 'feeling': missing 'options' "
        "(required for type 'choice')"]


def test_choice_options_must_not_be_empty(tmp_path):
    assert problems(tmp_path, "module_empty_options") == [
        f"{START}:26: exercise 'mood': field 'feeling': 'options' must not be empty"]


def test_choice_options_must_be_unique(tmp_path):
    assert problems(tmp_path, "module_duplicate_option") == [
        f"{START}:26: exercise 'mood': field 'feeling': option 'bra' appears twice"]


def test_rows_field_needs_columns(tmp_path):
    assert problems(tmp_path, "module_rows_without_columns") == [
        f"{END}:9: exercise 'goals_review': field 'progress': missing 'columns' "
        "(required for type 'rows')"]


def test_column_cannot_be_rows(tmp_path):
    assert problems(tmp_path, "module_column_of_type_rows") == [
        f"{END}:15: exercise 'goals_review': field 'progress': column 'when': "
        "a column cannot be of type 'rows'"]


def test_sort_by_must_name_a_column(tmp_path):
    assert problems(tmp_path, "module_sort_by_not_a_column") == [
        f"{END}:12: exercise 'goals_review': field 'progress': 'sort_by' must name one of its "
        "columns (when, goal), not 'date'"]


def test_first_module_needs_a_goals_exercise(tmp_path):
    assert problems(tmp_path, "module_first_without_goals") == [
        f"{START}:5: the first module needs an exercise 'goals' "
        "(with fields 'general_goal' and 'specific_goals')"]


def test_goals_need_a_long_text_general_goal(tmp_path):
    assert problems(tmp_path, "module_general_goal_wrong_type") == [
        f"{START}:10: exercise 'goals': needs a field 'general_goal' of type long_text"]


def test_specific_goals_need_a_goal_column(tmp_path):
    assert problems(tmp_path, "module_goals_without_goal_column") == [
        f"{START}:13: exercise 'goals': needs a field 'specific_goals' of type rows with a "
        "column 'goal' of type short_text"]


def test_last_module_needs_a_goals_review_exercise(tmp_path):
    assert problems(tmp_path, "module_last_without_goals_review") == [
        f"{END}:5: the last module needs an exercise 'goals_review'"]


def test_module_text_needs_600_words(tmp_path):
    assert problems(tmp_path, "module_too_few_words") == [
        f"{END}:23: the text has 4 words; a module needs at least 600"]


def test_level_one_heading_is_reported(tmp_path):
    assert problems(tmp_path, "module_h1_heading") == [
        f"{END}:23: headings start at '##' ('#' is the module title)"]


def test_raw_html_is_reported_at_each_line(tmp_path):
    assert problems(tmp_path, "module_raw_html") == [
        f"{END}:25: raw HTML is not allowed (it would be shown as text)",
        f"{END}:27: raw HTML is not allowed (it would be shown as text)"]
