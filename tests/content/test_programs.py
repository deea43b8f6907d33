"""Problems in modules/<slug>/program.yaml and in the set of module files of a program."""
from tests.content.helpers import load, problems

PROGRAM = "modules/demo/program.yaml"


def test_misspelt_key_is_reported_as_unknown_and_the_real_key_as_missing(tmp_path):
    assert problems(tmp_path, "program_unknown_key") == [
        f"{PROGRAM}:1: missing 'title'",
        f"{PROGRAM}:2: unknown key 'titel' (allowed: slug, title, summary, description, audience, "
        "guided, unlock, weeks, measures, followup_months, modules, languages, min_age)"]


def test_missing_key_is_reported_at_the_start_of_the_file(tmp_path):
    assert problems(tmp_path, "program_missing_key") == [f"{PROGRAM}:1: missing 'guided'"]


def test_duplicate_key_is_reported_at_the_second_one(tmp_path):
    assert problems(tmp_path, "program_duplicate_key") == [f"{PROGRAM}:18: duplicate key 'weeks'"]


def test_slug_must_be_the_folder_name(tmp_path):
    assert problems(tmp_path, "program_slug_not_folder") == [
        f"{PROGRAM}:1: 'slug' is 'demo-2' but the folder is 'demo'"]


def test_unknown_unlock_mode_is_reported(tmp_path):
    assert problems(tmp_path, "program_bad_unlock") == [
        f"{PROGRAM}:7: 'unlock' must be one of weekly, on_completion, not 'daily'"]


def test_value_of_the_wrong_type_is_reported(tmp_path):
    assert problems(tmp_path, "program_wrong_value_type") == [
        f"{PROGRAM}:6: 'guided' must be true or false"]


def test_unknown_measure_code_is_reported(tmp_path):
    assert problems(tmp_path, "program_unknown_measure") == [
        f"{PROGRAM}:12: measure 'PHQ-8': unknown code (known: GAD-7, PHQ-9, WHO-5)"]


def test_unknown_measure_time_is_reported(tmp_path):
    assert problems(tmp_path, "program_bad_when") == [
        f"{PROGRAM}:13: measure 'WHO-5': unknown 'when' value 'monthly' "
        "(known: start, weekly, end, followup)"]


def test_followup_measure_needs_followup_months(tmp_path):
    assert problems(tmp_path, "program_followup_without_months") == [
        f"{PROGRAM}:14: 'followup_months' is empty, but PHQ-9 is asked at 'followup'"]


def test_weekly_program_needs_a_week_per_module(tmp_path):
    assert problems(tmp_path, "program_too_few_weeks") == [
        f"{PROGRAM}:8: 'weeks' (1) is less than the number of modules (2), and one opens each week"]


def test_text_without_bokmal_is_reported(tmp_path):
    assert problems(tmp_path, "program_bokmal_text_missing") == [
        f"{PROGRAM}:3: 'summary': missing the 'nb' text"]


def test_program_texts_need_english_when_every_module_has_an_english_file(tmp_path):
    assert problems(tmp_path, "program_english_text_missing") == [
        f"{PROGRAM}:2: 'title': missing the 'en' text (the program is offered in English)"]


def test_unknown_language_in_a_text_is_reported(tmp_path):
    assert problems(tmp_path, "program_text_unknown_language") == [
        f"{PROGRAM}:2: 'title': unknown key 'de' (allowed: nb, en)"]


def test_listed_module_without_a_file_is_reported_at_its_line(tmp_path):
    assert problems(tmp_path, "program_module_file_missing") == [
        f"{PROGRAM}:18: module '03-extra': the file modules/demo/03-extra.md is missing"]


def test_module_file_that_is_not_listed_is_reported(tmp_path):
    assert problems(tmp_path, "program_module_not_listed") == [
        "modules/demo/03-extra.md:1: the module is not listed under 'modules' in program.yaml"]


def test_module_number_must_match_its_position(tmp_path):
    assert problems(tmp_path, "program_module_numbers") == [
        f"{PROGRAM}:16: module '02-end': its number must be its position in the list (01)",
        f"{PROGRAM}:17: module '01-start': its number must be its position in the list (02)"]


def test_folder_without_program_yaml_is_reported(tmp_path):
    assert problems(tmp_path, "program_yaml_missing") == [
        "modules/stray/program.yaml:1: the file is missing (every folder in modules/ is a program)"]


def test_garbled_yaml_is_reported_where_the_broken_part_starts(tmp_path):
    assert problems(tmp_path, "program_garbled_yaml") == [
        f"{PROGRAM}:2: cannot read the YAML: while parsing a flow mapping: "
        "expected ',' or '}', but got '<scalar>' (on line 3)"]


def test_empty_program_yaml_is_reported(tmp_path):
    assert problems(tmp_path, "program_empty_file") == [f"{PROGRAM}:1: the file is empty"]


def test_program_yaml_that_is_not_a_mapping_is_reported(tmp_path):
    assert problems(tmp_path, "program_not_a_mapping") == [
        f"{PROGRAM}:1: the file must be a mapping of keys to values"]


def test_program_yaml_that_is_not_utf8_is_reported(tmp_path):
    assert problems(tmp_path, "program_not_utf8") == [
        f"{PROGRAM}:1: cannot read: the file is not UTF-8"]


def test_broken_program_is_left_out_and_the_others_still_load(tmp_path):
    catalogue = load(tmp_path, "program_bad_unlock")
    assert list(catalogue.programs) == ["mini"]
    assert list(catalogue.courses) == ["KiD", "DU"]
