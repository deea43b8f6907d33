"""`selfhelp check`: refuse settings that are unsafe for a real service.

Production mode is SELFHELP_ENV=production (config ENVIRONMENT). In production mode the check
also runs at start-up — in gunicorn's master before any worker starts (deploy/gunicorn.conf.py),
in `selfhelp scheduler` and in `selfhelp serve` — and a single problem stops the start with the
whole list. `selfhelp check` runs it at any time (exit status 1 on problems).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.engine import Engine, make_url

from selfhelp.accounts.models import User
from selfhelp.db import db
from selfhelp.demo import DEMO_TOTP_SECRET, demo_people

PRODUCTION = "production"
#: A secret key shorter than this is guessable; `python -c "import secrets; print(secrets.token_hex(32))"`.
MIN_SECRET_KEY_LENGTH = 32


def is_production(config: Mapping) -> bool:
    return config.get("ENVIRONMENT") == PRODUCTION


def settings_problems(config: Mapping, environ: Mapping[str, str]) -> list[str]:
    """Problems visible in the settings alone (no database needed)."""
    problems = []
    key = environ.get("SELFHELP_SECRET_KEY") or ""
    if not key:
        problems.append("SELFHELP_SECRET_KEY is not set: the key is a file generated in the "
                        "instance folder; set a long random key in the environment file")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SELFHELP_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    if not config.get("DATA_KEY"):
        problems.append("SELFHELP_DATA_KEY is not set: secrets at rest are encrypted with a key "
                        "derived from the secret key")
    if config.get("MAIL_BACKEND") != "smtp":
        problems.append(f"SELFHELP_MAIL_BACKEND is {config.get('MAIL_BACKEND')!r}: mail is written "
                        "to files instead of sent; use 'smtp'")
    if config.get("DEMO_MODE"):
        problems.append("demo mode is on (SELFHELP_DEMO_MODE=1 or the instance/demo-mode file): "
                        "the mail viewer shows every email to admins")
    if config.get("DEMO_MAIL_SHOW_LINKS"):
        problems.append("SELFHELP_DEMO_MAIL_SHOW_LINKS is on: login links are shown in the mail viewer")
    if config.get("SMS_BACKEND") == "console":
        problems.append("SELFHELP_SMS_BACKEND is 'console': texts and phone numbers go to the log")
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append(f"SELFHELP_BASE_URL {config.get('BASE_URL')!r} is not https: cookies "
                        "would travel unencrypted")
    if str(config.get("DATABASE_URL", "")).startswith("sqlite") and int(config.get("WEB_WORKERS") or 1) > 1:
        problems.append(f"SQLite with {config.get('WEB_WORKERS')} web workers "
                        "(SELFHELP_WEB_WORKERS): use PostgreSQL, or one worker")
    if int(config.get("TRUSTED_PROXIES") or 0) < 1:
        problems.append("SELFHELP_TRUSTED_PROXIES is 0: behind the reverse proxy (deploy/nginx.conf) "
                        "the app cannot see https or the client's address; set it to the number "
                        "of proxies in front (1)")
    return problems


def database_problems(engine: Engine) -> list[str]:
    """Problems in what the database holds or who the app is in it."""
    problems = []
    try:
        emails = [person["email"] for person in demo_people(date.today())]
        if db.scalar(select(User.id).where(User.email.in_(emails)).limit(1)) is not None:
            problems.append("demo people are in the database (the *@demo.no accounts): this is a "
                            "demo database")
        secrets = db.scalars(select(User.totp_secret).where(User.totp_secret.is_not(None))).all()
        if DEMO_TOTP_SECRET in secrets:
            problems.append("a staff account uses the demo two-factor secret")
        if engine.dialect.name == "postgresql":
            owner, superuser = db.execute(text(
                "SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events') "
                "= current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")).one()
            if superuser:
                problems.append(f"the app connects as a PostgreSQL superuser "
                                f"({make_url(str(engine.url)).username}): use the app role of "
                                "docs/postgresql-app-role.sql")
            elif owner:
                problems.append("the app's database role owns the audit table, so it could alter "
                                "or empty it: run the app as the role of docs/postgresql-app-role.sql")
    except Exception as error:  # noqa: BLE001 - a check must report, not crash
        db.rollback()
        problems.append(f"cannot check the database ({type(error).__name__}); is it migrated "
                        "(`selfhelp db-upgrade`)?")
    return problems


def all_problems(config: Mapping, environ: Mapping[str, str], engine: Engine) -> list[str]:
    return settings_problems(config, environ) + database_problems(engine)


class UnsafeSettings(SystemExit):
    """Raised at start-up in production mode; its text lists every problem."""

    def __init__(self, problems: list[str]):
        super().__init__("selfhelp refuses to start in production mode:\n"
                         + "\n".join(f"  - {p}" for p in problems)
                         + "\nFix these (README \"Running in production\") or run `selfhelp check`.")
