"""Helpers for URLs taken from requests."""
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target
