"""`selfhelp content check`."""
from click.testing import CliRunner

from selfhelp.content.cli import content_cli
from tests.content.helpers import tree


def test_check_passes_on_the_shipped_content():
    result = CliRunner().invoke(content_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output == "4 programs, 28 modules, 3 courses: OK\n"


def test_check_passes_on_a_valid_tree(tmp_path):
    result = CliRunner().invoke(content_cli, ["check", "--root", str(tree(tmp_path))])
    assert (result.exit_code, result.output) == (0, "2 programs, 3 modules, 2 courses: OK\n")


def test_check_prints_each_problem_and_fails(tmp_path):
    root = tree(tmp_path, "program_unknown_key")
    result = CliRunner().invoke(content_cli, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "modules/demo/program.yaml:1: missing 'title'",
        "modules/demo/program.yaml:2: unknown key 'titel' (allowed: slug, title, summary, "
        "description, audience, guided, unlock, weeks, measures, followup_months, modules, "
        "languages, min_age)",
        "2 problems"]


def test_check_counts_a_single_problem(tmp_path):
    root = tree(tmp_path, "module_unknown_field_type")
    result = CliRunner().invoke(content_cli, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 problem"


def test_check_rejects_a_root_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(content_cli, ["check", "--root", str(tmp_path / "nope")])
    assert result.exit_code == 2
