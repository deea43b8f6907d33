"""Command line: `selfhelp <command>` (or `flask --app selfhelp <command>`)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from selfhelp import clock


def register(app: Flask) -> None:
    app.cli.add_command(setup)
    app.cli.add_command(db_upgrade)
    app.cli.add_command(db_revision)
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(serve)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(scheduler)
    from selfhelp.content.cli import content_cli

    app.cli.add_command(content_cli)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Apply database migrations."""
    from selfhelp.migrate import upgrade

    upgrade(current_app._get_current_object())
    click.echo("Database is up to date.")


@click.command("db-revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str):
    """Generate a migration from the difference between the models and the database."""
    from alembic import command

    from selfhelp.migrate import alembic_config

    command.revision(alembic_config(current_app._get_current_object()), message=message,
                     autogenerate=True)


@click.command("demo")
@with_appcontext
def demo():
    """Load the demo municipality and its people (safe to run again)."""
    from selfhelp.db import db
    from selfhelp.demo import load_demo

    created = load_demo(clock.now())
    db.commit()
    click.echo(f"Demo data ready ({len(created)} new people).")


@click.command("setup")
@click.option("--demo", "with_demo", is_flag=True, help="Also load the demo data.")
@click.pass_context
def setup(ctx, with_demo: bool):
    """Migrate the database and (with --demo) load demo data."""
    ctx.invoke(db_upgrade)
    if with_demo:
        ctx.invoke(demo)


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--municipality", "municipalities", multiple=True,
              help="Kommunenummer served (repeatable).")
@with_appcontext
def create_admin(email: str, name: str, password: str, municipalities: tuple[str, ...]):
    """Create an admin (or give an existing account admin rights and a new password)."""
    from selfhelp.accounts.municipalities import by_number
    from selfhelp.accounts.services import create_admin as create
    from selfhelp.db import db

    unknown = [m for m in municipalities if m not in by_number()]
    if unknown:
        raise click.BadParameter(f"unknown municipality number(s): {', '.join(unknown)}")
    if len(password) < 10:
        raise click.BadParameter("the password needs at least 10 characters")
    create(email, name, password, list(municipalities), clock.now())
    db.commit()
    click.echo(f"Admin {email} is ready.")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host: str, port: int):
    """Run the web server (for development and the embedded default; use gunicorn in production)."""
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.group("notifications")
def notifications_cli():
    """The notification outbox."""


@notifications_cli.command("send")
@click.option("--now", "now_text", metavar="ISO8601",
              help="Treat this instant as now, e.g. 2026-03-02T09:00:00+00:00.")
@with_appcontext
def send_notifications(now_text: str | None):
    """Send every notification that is due (cron can run this instead of the scheduler)."""
    from datetime import datetime

    from selfhelp.notifications.delivery import default_worker
    from selfhelp.notifications.jobs import send_everything_due

    now_of = clock.now
    if now_text:
        try:
            fixed = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("not an ISO 8601 date and time", param_hint="--now") from None
        if fixed.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. +00:00", param_hint="--now")
        now_of = lambda: fixed  # noqa: E731
    report = send_everything_due(now_of, worker=default_worker())
    click.echo(f"Notifications: {report}.")


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Run scheduled jobs (sending notifications) until stopped with Ctrl+C or SIGTERM."""
    import logging

    from selfhelp.notifications.jobs import run_scheduler

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_scheduler(current_app._get_current_object())


def main() -> None:
    from selfhelp import create_app

    FlaskGroup(create_app=create_app, add_default_commands=True)(prog_name="selfhelp")
