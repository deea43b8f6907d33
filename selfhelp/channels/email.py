"""The email channel, the one place that sends email: SMTP, or files under instance/mail for the
embedded default.

Each email is a template set templates/emails/<name>.{subject,txt,html}. Bodies never carry health
details: they say that something is waiting in selfhelp and give a link.
"""
from __future__ import annotations

import re
import smtplib
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid, parsedate_to_datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale


def render_subject(template: str, locale: str, **context) -> str:
    with force_locale(locale):
        return render_template(f"emails/{template}.subject", **context).strip()


def render_email(template: str, locale: str, **context) -> tuple[str, str, str]:
    subject = render_subject(template, locale, **context)
    with force_locale(locale):
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", subject=subject, **context)
    return subject, text, html


def build_message(to: str, subject: str, text: str, html: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="selfhelp.local")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20)
    try:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


class MailConnection:
    """One SMTP connection for a batch of messages (a scheduler pass), opened on first use.

    After any error it is dropped, so the next message starts on a fresh connection.
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def send(self, msg: EmailMessage, name: str) -> None:
        if current_app.config["MAIL_BACKEND"] != "smtp":
            write_mail_file(msg, name)
            return
        if self._smtp is None:
            self._smtp = _connect()
        try:
            self._smtp.send_message(msg)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_mail_file(msg: EmailMessage, name: str) -> Path:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{name}.eml"
    path.write_bytes(bytes(msg))
    return path


def _sent_at(header: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        return None


def list_mail_files(limit: int = 100) -> list[dict]:
    """The newest mails written by the file backend, for the admin page."""
    folder = Path(current_app.config["MAIL_DIR"])
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = msg.get_body(preferencelist=("plain",))
        out.append({"file": path.name, "to": msg["To"], "subject": msg["Subject"],
                    "date": _sent_at(msg["Date"]), "text": body.get_content() if body else ""})
    return out


#: A link that carries a secret: whoever has it can verify, reset, accept, unsubscribe or read.
TOKEN_LINK = re.compile(r"\S*/(?:verify|reset-password|invitation|unsubscribe|calendar)/[^\s<>\"]+")


def mail_viewer_enabled() -> bool:
    """The demo's mail viewer exists only in demo mode with the file backend (never with SMTP)."""
    cfg = current_app.config
    return bool(cfg.get("DEMO_MODE")) and cfg["MAIL_BACKEND"] == "file"


def mask_token_links(text: str, placeholder: str) -> str:
    return TOKEN_LINK.sub(placeholder, text)


def delete_mail_files_to(address: str) -> int:
    """Remove the file backend's mail to `address` (when its account is closed)."""
    folder = Path(current_app.config["MAIL_DIR"])
    if not folder.exists():
        return 0
    removed = 0
    wanted = address.strip().lower()
    for path in folder.glob("*.eml"):
        headers = BytesParser(policy=policy.default).parsebytes(path.read_bytes(), headersonly=True)
        if str(headers["To"] or "").strip().lower() == wanted:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
