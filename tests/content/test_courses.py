"""Problems in courses/<code>.yaml."""
from tests.content.helpers import load, problems

KID, DU = "courses/kid.yaml", "courses/du.yaml"


def test_code_must_match_the_file_name(tmp_path):
    assert problems(tmp_path, "course_code_not_file_name") == [
        f"{KID}:1: 'code' is 'KiB', so the file must be named kib.yaml"]


def test_unknown_course_code_is_reported(tmp_path):
    assert problems(tmp_path, "course_unknown_code") == [
        f"{KID}:1: 'code' must be one of KiD, KiB, DU, not 'KiX'"]


def test_misspelt_or_extra_key_is_reported(tmp_path):
    assert problems(tmp_path, "course_unknown_key") == [
        f"{KID}:27: unknown key 'room' (allowed: code, name, summary, audience, min_age, max_age, "
        "guardian_consent_under, session_minutes, group_size, leaders_required, "
        "leader_qualification, screening_measure, outcome_measure, sessions)"]


def test_max_age_below_min_age_is_reported(tmp_path):
    assert problems(tmp_path, "course_max_age_below_min_age") == [
        f"{DU}:6: 'max_age' (12) must not be below 'min_age' (14)"]


def test_guardian_consent_age_must_be_above_min_age(tmp_path):
    assert problems(tmp_path, "course_consent_age_not_above_min_age") == [
        f"{DU}:7: 'guardian_consent_under' (14) must be above 'min_age' (14), "
        "or no applicant would need consent"]


def test_group_size_default_must_lie_between_min_and_max(tmp_path):
    assert problems(tmp_path, "course_group_size_order") == [
        f"{KID}:9: 'group_size': needs min <= default <= max, not min 8, default 14, max 12"]


def test_unknown_leader_qualification_is_reported(tmp_path):
    assert problems(tmp_path, "course_unknown_leader_qualification") == [
        f"{KID}:11: 'leader_qualification' must be one of kid_leader, kib_leader, du_leader, "
        "not 'kid-leader'"]


def test_unknown_measure_code_is_reported(tmp_path):
    assert problems(tmp_path, "course_unknown_measure") == [
        f"{KID}:13: 'outcome_measure': unknown measure code 'BDI' (known: GAD-7, PHQ-9, WHO-5)"]


def test_sessions_must_be_numbered_from_one_in_order(tmp_path):
    assert problems(tmp_path, "course_session_numbering") == [
        f"{KID}:21: session 2: 'number' must be 2 (sessions are numbered 1, 2, 3 ... in order)"]


def test_session_weeks_must_increase(tmp_path):
    assert problems(tmp_path, "course_weeks_not_increasing") == [
        f"{KID}:22: session 2: 'week' (0) must be after the week of the session before (0)"]


def test_unknown_session_kind_is_reported(tmp_path):
    assert problems(tmp_path, "course_unknown_session_kind") == [
        f"{KID}:23: session 2: 'kind' must be one of weekly, followup, not 'booster'"]


def test_weekly_session_after_a_followup_is_reported(tmp_path):
    assert problems(tmp_path, "course_weekly_after_followup") == [
        f"{KID}:29: session 3: a weekly session cannot come after a follow-up session"]


def test_session_text_without_bokmal_is_reported(tmp_path):
    assert problems(tmp_path, "course_bokmal_homework_missing") == [
        f"{KID}:26: session 2: 'homework': missing the 'nb' text"]


def test_course_file_that_is_not_a_mapping_is_reported(tmp_path):
    assert problems(tmp_path, "course_not_a_mapping") == [
        f"{KID}:1: the file must be a mapping of keys to values"]


def test_garbled_course_yaml_is_reported_and_the_other_course_loads(tmp_path):
    catalogue = load(tmp_path, "course_garbled_yaml")
    assert [str(p) for p in catalogue.problems] == [
        f"{KID}:3: cannot read the YAML: while parsing a flow mapping: "
        "expected ',' or '}', but got '<scalar>'"]
    assert list(catalogue.courses) == ["DU"]
    assert list(catalogue.programs) == ["demo", "mini"]


def test_null_measures_and_age_limits_load_as_none(tmp_path):
    du = load(tmp_path).courses["DU"]
    assert du.screening_measure is None
    assert (du.min_age, du.max_age, du.guardian_consent_under) == (14, 20, 16)
    kid = load(tmp_path / "again").courses["KiD"]
    assert kid.max_age is None and kid.guardian_consent_under is None


def test_file_in_courses_that_is_not_a_course_file_is_reported(tmp_path):
    assert problems(tmp_path, "course_stray_file") == [
        "courses/kib.yml:1: not a course (<code>.yaml): it is ignored"]
