"""`selfhelp privacy purge [--now ISO8601]`: the retention job, for cron or by hand."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from selfhelp.cli_now import now_of, now_option
from selfhelp.privacy.jobs import purge_everything_due


@click.group("privacy")
def privacy_cli():
    """Closed accounts and the retention period."""


@privacy_cli.command("purge")
@now_option
@with_appcontext
def purge(now_text: str | None):
    """Delete the clinical records of closed accounts whose retention period has run out (one
    unit of work per account)."""
    purged = purge_everything_due(now_of(now_text))
    click.echo(f"Closed accounts purged: {purged}.")
