"""Command line: `selfhelp <command>` (or `flask --app selfhelp <command>`)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from selfhelp import clock, create_app
from selfhelp.accounts.municipalities import by_number
from selfhelp.accounts.services import create_admin as create
from selfhelp.cli_now import now_of, now_option
from selfhelp.config import DEMO_MARKER
from selfhelp.content.cli import content_cli
from selfhelp.db import unit_of_work
from selfhelp.demo import DEMO_TOTP_SECRET, load_demo
from selfhelp.migrate import alembic_config, upgrade
from selfhelp.notifications.delivery import default_worker, send_everything_due
from selfhelp.notifications.planning import plan_and_send, plan_everything
from selfhelp.operations.cli import check_at_start, COMMANDS as operations_commands
from selfhelp.operations.logs import configure_logging
from selfhelp.privacy.cli import privacy_cli
from selfhelp.scheduler import run_scheduler


def register(app: Flask) -> None:
    app.cli.add_command(setup)
    app.cli.add_command(db_upgrade)
    app.cli.add_command(db_revision)
    app.cli.add_command(demo)
    app.cli.add_command(demo_totp)
    app.cli.add_command(create_admin)
    app.cli.add_command(serve)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(scheduler)
    app.cli.add_command(content_cli)
    app.cli.add_command(privacy_cli)
    for command in operations_commands:
        app.cli.add_command(command)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Apply database migrations."""
    upgrade(current_app._get_current_object())
    click.echo("Database is up to date.")


@click.command("db-revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str):
    """Generate a migration from the difference between the models and the database."""
    from alembic import command


    command.revision(alembic_config(current_app._get_current_object()), message=message,
                     autogenerate=True)


@click.command("demo")
@with_appcontext
def demo():
    """Load the demo municipality and its people (safe to run again)."""
    with unit_of_work():
        created = load_demo(clock.now())
    click.echo(f"Demo data ready ({len(created)} new people).")


@click.command("demo-totp")
def demo_totp():
    """Print the demo staff's current two-factor code (the demo's shared authenticator secret)."""
    import pyotp


    click.echo(f"Kode nå / code now: {pyotp.TOTP(DEMO_TOTP_SECRET).now()}")
    click.echo(f"Hemmelighet / secret (for an authenticator app): {DEMO_TOTP_SECRET}")


@click.command("setup")
@click.option("--demo", "with_demo", is_flag=True, help="Also load the demo data.")
@click.pass_context
def setup(ctx, with_demo: bool):
    """Migrate the database and (with --demo) load demo data."""
    ctx.invoke(db_upgrade)
    if with_demo:
        from pathlib import Path

        from flask import current_app


        # Demo mode from now on: the mail viewer exists (with the file mail backend only).
        (Path(current_app.instance_path) / DEMO_MARKER).write_text(
            "Written by `selfhelp setup --demo`. Delete this file to leave demo mode.\n")
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
    unknown = [m for m in municipalities if m not in by_number()]
    if unknown:
        raise click.BadParameter(f"unknown municipality number(s): {', '.join(unknown)}")
    if len(password) < 10:
        raise click.BadParameter("the password needs at least 10 characters")
    with unit_of_work():
        create(email, name, password, list(municipalities), clock.now())
    click.echo(f"Admin {email} is ready.")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host: str, port: int):
    """Run the web server (for development and the embedded default; use gunicorn in production)."""
    from werkzeug.serving import run_simple

    check_at_start(current_app._get_current_object())
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.group("notifications")
def notifications_cli():
    """The notification outbox."""


@notifications_cli.command("send")
@now_option
@with_appcontext
def send_notifications(now_text: str | None):
    """Send every notification that is due (cron can run this instead of the scheduler)."""
    report = send_everything_due(now_of(now_text), worker=default_worker())
    click.echo(f"Notifications: {report}.")


@notifications_cli.command("plan")
@now_option
@with_appcontext
def plan_notifications(now_text: str | None):
    """Add the reminders and notices that are due to the outbox (without sending them)."""
    added = plan_everything(now_of(now_text)())
    click.echo("Planned: " + ", ".join(f"{name} {count}" for name, count in added.items()) + ".")


@notifications_cli.command("run")
@now_option
@with_appcontext
def run_notifications(now_text: str | None):
    """Plan and send in one go: what one scheduler round does (for cron)."""
    added, report = plan_and_send(now_of(now_text), worker=default_worker())
    click.echo("Planned: " + ", ".join(f"{name} {count}" for name, count in added.items()) + ".")
    click.echo(f"Notifications: {report}.")


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Run scheduled jobs (sending notifications) until stopped with Ctrl+C or SIGTERM."""
    app = current_app._get_current_object()
    configure_logging(json_lines=app.config["LOG_FORMAT"] == "json")
    check_at_start(app)
    run_scheduler(app)


def main() -> None:
    FlaskGroup(create_app=create_app, add_default_commands=True)(prog_name="selfhelp")
