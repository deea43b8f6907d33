"""Secrets encrypted at rest (two-factor secrets), with a key from the environment.

SELFHELP_DATA_KEY holds one or more Fernet keys, comma-separated: the first encrypts, every one
decrypts, so a key can be replaced without locking anyone out (put the new key first; the
migration's `reencrypt` below, or a later write, moves each secret to it; remove the old key after). Without it, development and tests
derive a key from SECRET_KEY — production must set its own (README "Hardening").
"""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

#: Every value this module wrote starts with this (Fernet's version byte, base64).
TOKEN_PREFIX = "gAAAAA"


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


def derived_key(secret_key: str) -> bytes:
    """The development/test key: derived from SECRET_KEY (never the same as SECRET_KEY)."""
    digest = hashlib.sha256(b"selfhelp data key\x00" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def make_cipher(data_key: str | None, secret_key: str) -> MultiFernet:
    keys = [k.strip() for k in (data_key or "").split(",") if k.strip()]
    fernets = [Fernet(k.encode()) for k in keys] or [Fernet(derived_key(secret_key))]
    return MultiFernet(fernets)


def init_app(app: Flask) -> None:
    app.extensions["cipher"] = make_cipher(app.config.get("DATA_KEY"), app.config["SECRET_KEY"])


def encrypt(cipher: MultiFernet, value: str) -> str:
    return cipher.encrypt(value.encode()).decode()


def decrypt(cipher: MultiFernet, token: str) -> str:
    try:
        return cipher.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("a stored secret does not decrypt with SELFHELP_DATA_KEY") from error


class EncryptedString(TypeDecorator):
    """Text stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256), plain in Python. Each write
    gives a different ciphertext, so such a column can never be searched by value."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt(current_app.extensions["cipher"], value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt(current_app.extensions["cipher"], value)
