"""`selfhelp backup PATH` and `selfhelp restore PATH`, for both databases selfhelp runs on.

* PostgreSQL: `pg_dump --format=custom` (one compressed file; the app may keep running, the dump
  is one consistent snapshot) and `pg_restore`. The client tools must be of the server's major
  version or newer (Debian: the postgresql-client package of the same release). The password
  travels in PGPASSWORD, never on the command line. Owners and grants are not restored (the
  restoring role owns everything): run docs/postgresql-app-role.sql again afterwards.
* SQLite: the online backup API (sqlite3.Connection.backup) copies the database page by page
  while the app keeps running, so a backup is consistent even mid-write — copying the file is not.

A restore refuses a database that already has tables unless told to replace it.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup(engine: Engine, url: str, target: Path) -> None:
    """Write a backup of the database at `url` to `target` (replaced only when complete)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    if make_url(url).get_backend_name() == "sqlite":
        source = _sqlite_file(url)
        if not source.exists():
            raise BackupError(f"no SQLite database at {source}")
        partial.unlink(missing_ok=True)
        with _sqlite(source) as src, _sqlite(partial) as dst:
            src.backup(dst)
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the copy fails SQLite's integrity check")
    else:
        _run(["pg_dump", "--format=custom", "--file", str(partial), "--dbname", _libpq(url)], url)
        _run(["pg_restore", "--list", str(partial)], url)  # the file reads back
    partial.replace(target)


def restore(engine: Engine, url: str, source: Path, *, replace: bool = False) -> None:
    """Load the backup `source` into the database at `url`. Its current content is replaced
    only with replace=True; an empty (new) database is always fine."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    tables = inspect(engine).get_table_names()
    if tables and not replace:
        raise BackupError(f"the database already has {len(tables)} tables; restore into a new "
                          "database, or pass --replace to overwrite this one")
    engine.dispose()  # no pooled connection may hold the old database open
    if make_url(url).get_backend_name() == "sqlite":
        with _sqlite(source) as src:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a sound SQLite database")
            with _sqlite(_sqlite_file(url)) as dst:
                src.backup(dst)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--dbname", _libpq(url), str(source)], url)


class _sqlite:
    """A sqlite3 connection that is closed (not only committed) at the end of the block."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(str(path))

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _sqlite_file(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(name)


def _libpq(url: str) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver name, no password."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)


def _run(args: list[str], url: str) -> None:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (Debian: apt install postgresql-client)") from None
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
