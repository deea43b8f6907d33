"""`selfhelp content check`: validate programs and courses, print `path:line: problem`."""
from __future__ import annotations

from pathlib import Path

import click

from selfhelp.content import known_measure_codes, load_catalogue
from selfhelp.config import ROOT


@click.group("content")
def content_cli() -> None:
    """Programs (modules/) and courses (courses/)."""


@content_cli.command("check")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder holding modules/ and courses/ (default: the repository).")
def check(root: Path | None) -> None:
    """Check all content; exit code 1 if anything is wrong."""
    if root is None:
        root = ROOT
    catalogue = load_catalogue(root, known_measure_codes())
    for problem in catalogue.problems:
        click.echo(str(problem))
    if catalogue.problems:
        count = len(catalogue.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''}")
        raise SystemExit(1)
    modules = sum(len(p.modules) for p in catalogue.programs.values())
    click.echo(f"{len(catalogue.programs)} programs, {modules} modules, "
               f"{len(catalogue.courses)} courses: OK")
