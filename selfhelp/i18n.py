"""Language: Norwegian bokmål by default, English available; the choice sticks (cookie + profile)."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = {"nb": "Norsk (bokmål)", "en": "English"}
DEFAULT_LANGUAGE = "nb"
LANG_COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"

T = TypeVar("T")


def select_locale() -> str:
    if not has_request_context():  # jobs and CLI commands: the person's locale is passed explicitly
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def current_locale() -> str:
    """The language this request is shown in ("nb" or "en")."""
    loc = get_locale()
    return str(loc.language) if loc else DEFAULT_LANGUAGE


def in_language(texts: Mapping[str, T] | None, locale: str) -> T | None:
    """The one locale fallback: `texts[locale]`, else the bokmål one, else any there is (None
    when there is none). Content and measures always have bokmål; the last step is for safety."""
    if not texts:
        return None
    return texts.get(locale) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), None)


def localized(value: Mapping[str, str] | str | None, locale: str | None = None) -> str:
    """A user-facing text ({"nb": ..., "en": ...}, or one plain string) in `locale`, by default
    the language of this request; bokmål when that language is missing."""
    if value is None or isinstance(value, str):
        return value or ""
    return in_language(value, locale or current_locale()) or ""


def compile_catalogs() -> None:
    """Compile .po to .mo where the .mo is missing or older (at start-up, not per request)."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
