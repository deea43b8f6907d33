"""`selfhelp check`, `selfhelp backup PATH`, `selfhelp restore PATH`."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from selfhelp.operations import backup as backups
from selfhelp.operations.checks import UnsafeSettings, all_problems, is_production


def check_at_start(app: Flask) -> None:
    """In production mode, refuse to start (UnsafeSettings, a SystemExit) on any problem."""
    if not is_production(app.config):
        return
    with app.app_context():
        problems = all_problems(app.config, os.environ, app.extensions["db"].engine)
    app.extensions["db"].engine.dispose()  # before gunicorn forks its workers
    if problems:
        raise UnsafeSettings(problems)


@click.command("check")
@with_appcontext
def check():
    """Check that the settings and the database are safe for a real service."""
    app = current_app._get_current_object()
    problems = all_problems(app.config, os.environ, app.extensions["db"].engine)
    mode = "production" if is_production(app.config) else "not production (SELFHELP_ENV)"
    if problems:
        click.echo(f"Unsafe for production ({mode}):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"All production checks pass ({mode}).")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path):
    """Back up the database to PATH (PostgreSQL: pg_dump custom format; SQLite: a copy)."""
    app = current_app._get_current_object()
    try:
        backups.backup(app.extensions["db"].engine, app.config["DATABASE_URL"], path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already has data.")
@with_appcontext
def restore(path: Path, replace: bool):
    """Restore the backup PATH into the configured database (stop web and scheduler first)."""
    app = current_app._get_current_object()
    try:
        backups.restore(app.extensions["db"].engine, app.config["DATABASE_URL"], path,
                        replace=replace)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path}. Run `selfhelp db-upgrade` if the backup is from an older release.")


COMMANDS = (check, backup, restore)
