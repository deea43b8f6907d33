"""Settings, read from environment variables (prefix SELFHELP_)."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Written into the instance folder by `selfhelp setup --demo`: this installation is a demo.
DEMO_MARKER = "demo-mode"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"SELFHELP_{name}", default)


def extra_measures_dir() -> Path | None:
    """SELFHELP_MEASURES_DIR: a folder with a municipality's own (licensed) questionnaires, or None.
    A function, not a key of load_config: measures are loaded once per process, also outside an
    app (content check, tests), and tests change it."""
    given = (_env("MEASURES_DIR") or "").strip()
    return Path(given) if given else None


def _secret_key(instance: Path) -> str:
    """Use SELFHELP_SECRET_KEY, or one generated once into instance/secret_key."""
    given = _env("SECRET_KEY")
    if given:
        return given
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    base_url = _env("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": _env("DATABASE_URL", f"sqlite:///{instance / 'selfhelp.db'}"),
        "BASE_URL": base_url,
        # "file" writes mail to instance/mail (the embedded default); "smtp" sends it.
        "MAIL_BACKEND": _env("MAIL_BACKEND", "file"),
        "MAIL_DIR": str(instance / "mail"),
        "MAIL_SERVER": _env("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(_env("MAIL_PORT", "25") or 25),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": _env("MAIL_SENDER", "selfhelp <noreply@selfhelp.local>"),
        # The demo's mail viewer (/admin/mail) exists only in demo mode: SELFHELP_DEMO_MODE=1, or
        # the marker file `selfhelp setup --demo` writes; and never with the SMTP backend.
        "DEMO_MODE": _env("DEMO_MODE", "0") == "1" or (instance / DEMO_MARKER).exists(),
        # Even then, links that carry a token (verify, reset, invitation, unsubscribe, calendar)
        # are masked unless this is on; only the local demo (`python3 dev.py`) turns it on.
        "DEMO_MAIL_SHOW_LINKS": _env("DEMO_MAIL_SHOW_LINKS", "0") == "1",
        # "file" writes texts to instance/sms (the embedded default); "console" prints them.
        "SMS_BACKEND": _env("SMS_BACKEND", "file"),
        "SMS_DIR": _env("SMS_DIR", str(instance / "sms")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead: long forms must not expire
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(_env("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5") or 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(_env("LOGIN_MAX_FAILURES_PER_ADDRESS", "20") or 20),
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "VERIFY_TOKEN_HOURS": 48,
        "RESET_TOKEN_MINUTES": 60,
        "INVITATION_TOKEN_DAYS": 7,
        # One-click unsubscribe links in notification emails stop working after this many days.
        "UNSUBSCRIBE_TOKEN_DAYS": 60,
        #: The terms/privacy version residents must have accepted; change it to ask everyone again.
        "TERMS_VERSION": _env("TERMS_VERSION", "2026-11"),
        # Staff sessions end after this many idle minutes; residents' after RESIDENT_IDLE_DAYS.
        "STAFF_IDLE_MINUTES": int(_env("STAFF_IDLE_MINUTES", "30") or 30),
        "RESIDENT_IDLE_DAYS": int(_env("RESIDENT_IDLE_DAYS", "14") or 14),
        # The cookie outlives the login by a week, so a login that ended for being idle still
        # has its CSRF token: worksheet text posted then is kept until the person is back.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(_env("RESIDENT_IDLE_DAYS", "14") or 14) + 7),
        # Sensitive actions (email change, export, closing the account) need the password again
        # if it was last entered longer ago than this.
        "REAUTH_MINUTES": 10,
        # How long the half-logged-in state (password right, second factor not yet) lasts.
        "SECOND_FACTOR_PENDING_MINUTES": 10,
        #: The name authenticator apps show next to the code.
        "TOTP_ISSUER": _env("TOTP_ISSUER", "selfhelp"),
        # --- hardening (README "Hardening") ---
        # The largest request body accepted (a 413 page above it), and the largest form field
        # Werkzeug keeps in memory. Worksheets are text: 2 MiB is far more than anyone types.
        "MAX_CONTENT_LENGTH": int(_env("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)) or 2 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": int(_env("MAX_FORM_MEMORY_SIZE", str(2 * 1024 * 1024)) or 2 * 1024 * 1024),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host. 0 (the
        # default): those headers are ignored, as anyone could send them.
        "TRUSTED_PROXIES": int(_env("TRUSTED_PROXIES", "0") or 0),
        # Strict-Transport-Security on https responses (set SELFHELP_HSTS=0 while trying https out).
        "HSTS": _env("HSTS", "1") == "1",
        # The key that encrypts secrets at rest (two-factor secrets): a Fernet key, made with
        # `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
        # Without it, a key is derived from SECRET_KEY (fine for development, not for production).
        "DATA_KEY": _env("DATA_KEY"),
        # --- operations (README "Running in production") ---
        # "production" turns on the start-up check (`selfhelp check`) and JSON-lines logs.
        "ENVIRONMENT": _env("ENV", "development"),
        # gunicorn's worker count (deploy/gunicorn.conf.py reads the same variable), so the
        # check can refuse SQLite with several workers.
        "WEB_WORKERS": int(_env("WEB_WORKERS", "1") or 1),
        # The bearer token Prometheus sends to /metrics; unset: /metrics answers 404.
        "METRICS_TOKEN": _env("METRICS_TOKEN"),
        # "json" (one JSON object per line) or "text"; JSON by default in production.
        "LOG_FORMAT": _env("LOG_FORMAT", "json" if _env("ENV") == "production" else "text"),
    }


@dataclass
class SettingsForTests:
    """Overrides for tests: fast hashing, no file mail unless asked."""

    database_url: str
    mail_port: int | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {
            "TESTING": True,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_FAST": True,
            "BASE_URL": "http://localhost",
            "SERVER_NAME": None,
            "DEMO_MODE": False,
            "DEMO_MAIL_SHOW_LINKS": False,
        }
        if self.mail_port:
            out.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=self.mail_port)
        out.update(self.extra)
        return out
