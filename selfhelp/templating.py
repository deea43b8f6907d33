"""What every template can use: crisis contacts, languages, local-time formatting."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime

from selfhelp.accounts.municipalities import municipality_name
from selfhelp.clock import local
from selfhelp.forms import EmptyForm
from selfhelp.i18n import LANGUAGES, current_locale
from selfhelp.pages.crisis import crisis_contacts


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """An instant shown in Europe/Oslo wall-clock time, in the user's language."""
    if value is None:
        return ""
    return format_datetime(local(value), fmt, rebase=False)


def local_date(value: date | datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, fmt)


def localized(value: dict | str | None) -> str:
    """Pick the user's language from a {nb: ..., en: ...} text; bokmål when missing."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(current_locale()) or value.get("nb") or next(iter(value.values()), "")


def measure_name(code: str) -> str:
    from selfhelp.measures.definitions import get_measures

    measure = get_measures().get(code)
    return localized(measure.name) if measure else code


def register(app: Flask) -> None:
    app.jinja_env.filters.update(local_datetime=local_datetime, local_date=local_date,
                                 localized=localized, municipality_name=municipality_name,
                                 lookup=lambda key, mapping: mapping.get(key, key),
                                 measure_name=measure_name)

    @app.context_processor
    def _globals():
        return {
            "crisis_contacts": crisis_contacts(),
            "languages": LANGUAGES,
            "current_language": current_locale(),
            "empty_form": EmptyForm,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
