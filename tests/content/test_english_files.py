"""The English file of a module must have the bokmål file's structure."""
from tests.content.helpers import problems

START, END = "modules/demo/01-start.en.md", "modules/demo/02-end.en.md"


def test_missing_field_is_reported_at_its_exercise(tmp_path):
    assert problems(tmp_path, "english_field_missing") == [
        f"{END}:6: exercise 'goals_review': field 'helped' is missing (the bokmål file has it)"]


def test_missing_column_is_reported_at_its_field(tmp_path):
    assert problems(tmp_path, "english_column_missing") == [
        f"{END}:9: exercise 'goals_review': field 'progress': column 'goal' is missing "
        "(the bokmål file has it)"]


def test_exercise_not_in_the_bokmal_file_is_reported(tmp_path):
    assert problems(tmp_path, "english_extra_exercise") == [
        f"{END}:21: exercise 'extra' is not in the bokmål file"]


def test_fields_in_another_order_are_reported(tmp_path):
    assert problems(tmp_path, "english_fields_in_other_order") == [
        f"{START}:23: exercise 'mood': field 'hours' is not in the same order as in the "
        "bokmål file"]


def test_different_field_type_is_reported(tmp_path):
    assert problems(tmp_path, "english_type_differs") == [
        f"{START}:10: exercise 'goals': field 'general_goal': type 'short_text' differs from "
        "the bokmål file ('long_text')"]


def test_different_number_of_options_is_reported(tmp_path):
    assert problems(tmp_path, "english_option_count_differs") == [
        f"{START}:23: exercise 'mood': field 'feeling': has 2 options, the bokmål file has 3"]


def test_different_number_range_is_reported(tmp_path):
    assert problems(tmp_path, "english_max_differs") == [
        f"{START}:27: exercise 'mood': field 'hours': 'max' is 12, the bokmål file has 24"]


def test_different_sort_by_is_reported(tmp_path):
    assert problems(tmp_path, "english_sort_by_differs") == [
        f"{END}:9: exercise 'goals_review': field 'progress': 'sort_by' is 'goal', "
        "the bokmål file has 'when'"]
