"""SMS channel. Texts are as bare as email subjects: no health details, a link to log in.

SMS_BACKEND = "file" writes each text to instance/sms (the embedded default, shown like mail);
"console" logs it. A real gateway is one more class with the same `send`.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, to: str, text: str, *, name: str = "sms") -> None:
        """Send one text or raise (the caller retries with backoff)."""


class FileSmsBackend:
    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, to: str, text: str, *, name: str = "sms") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # The name carries the notification id, so texts written in the same instant never clash.
        (self.folder / f"{name}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


class ConsoleSmsBackend:
    def send(self, to: str, text: str, *, name: str = "sms") -> None:
        log.info("SMS to %s: %s", to, text)


def get_sms_backend() -> SmsBackend:
    cfg = current_app.config
    kind = cfg.get("SMS_BACKEND", "file")
    if kind == "console":
        return ConsoleSmsBackend()
    if kind == "file":
        return FileSmsBackend(Path(cfg["SMS_DIR"]))
    raise ValueError(f"unknown SMS_BACKEND {kind!r}")
