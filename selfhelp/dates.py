"""The one date and time style of selfhelp, on every page and in every email.

Instants are stored in UTC and always shown as wall-clock time in Europe/Oslo; calendar dates
(a course day, a birth date) are shown as they are. Month and day names come from Babel (the
formatters Flask-Babel wraps) in the reader's language; the patterns are fixed here so that
every page says the same thing the same way:

===============  ======================================  ==================================
filter           bokmål                                  English (en-GB, never en-US)
===============  ======================================  ==================================
``when``         fredag 4. desember 2026 kl. 16.00       Friday 4 December 2026, 16:00
``when_short``   4. des. 2026 kl. 16.00                  4 Dec 2026, 16:00
``day``          fredag 4. desember 2026                 Friday 4 December 2026
``day_short``    4. des. 2026                            4 Dec 2026
``clock``        16.00                                   16:00
===============  ======================================  ==================================

Never seconds, never a numeric 04.12.2026 or 12/4/26, never "4:00 PM". Machine formats (CSV
exports, data attributes, the JSON export) keep ISO 8601 and do not come through here.

The language is that of the request, or the one set with ``flask_babel.force_locale`` (emails
and text messages from the scheduler); outside both it is bokmål. Pass ``locale`` ("nb" or
"en") to choose it explicitly.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from flask import Flask

from selfhelp.clock import local

NB = Locale.parse("nb_NO")
EN = Locale.parse("en_GB")  # day-month-year and the 24-hour clock, as GOV.UK and NHS.uk write

#: CLDR patterns by language: (full day, short day, clock, joint between day and clock)
_PATTERNS = {
    "nb": ("EEEE d. MMMM y", "d. MMM y", "HH.mm", " kl. "),
    "en": ("EEEE d MMMM y", "d MMM y", "HH:mm", ", "),
}


def _language(locale: str | None) -> str:
    if locale is None:
        try:
            from flask_babel import get_locale
            current = get_locale()
        except RuntimeError:  # no application context
            current = None
        locale = str(current.language) if current is not None else "nb"
    return "en" if locale.replace("-", "_").split("_")[0].lower() == "en" else "nb"


def _babel_locale(language: str) -> Locale:
    return EN if language == "en" else NB


def _wall(value: datetime) -> datetime:
    """An instant as Oslo wall-clock time; a naive datetime is taken to be UTC (as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return local(value)


def _as_date(value: date | datetime) -> date:
    return _wall(value).date() if isinstance(value, datetime) else value


def day(value: date | datetime | None, locale: str | None = None) -> str:
    """"fredag 4. desember 2026" / "Friday 4 December 2026"; an instant gives its Oslo date."""
    if value is None:
        return ""
    lang = _language(locale)
    return _babel_date(_as_date(value), _PATTERNS[lang][0], locale=_babel_locale(lang))


def day_short(value: date | datetime | None, locale: str | None = None) -> str:
    """"4. des. 2026" / "4 Dec 2026"."""
    if value is None:
        return ""
    lang = _language(locale)
    return _babel_date(_as_date(value), _PATTERNS[lang][1], locale=_babel_locale(lang))


def clock(value: datetime | time | None, locale: str | None = None) -> str:
    """"16.00" / "16:00": an instant in Oslo time, or a wall-clock time as it is."""
    if value is None:
        return ""
    lang = _language(locale)
    wall = _wall(value).time() if isinstance(value, datetime) else value
    return _babel_time(wall.replace(tzinfo=None), _PATTERNS[lang][2], locale=_babel_locale(lang))


def when(value: datetime | None, locale: str | None = None) -> str:
    """"fredag 4. desember 2026 kl. 16.00" / "Friday 4 December 2026, 16:00"."""
    if value is None:
        return ""
    lang = _language(locale)
    return day(value, lang) + _PATTERNS[lang][3] + clock(value, lang)


def when_short(value: datetime | None, locale: str | None = None) -> str:
    """"4. des. 2026 kl. 16.00" / "4 Dec 2026, 16:00"."""
    if value is None:
        return ""
    lang = _language(locale)
    return day_short(value, lang) + _PATTERNS[lang][3] + clock(value, lang)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(when=when, when_short=when_short, day=day,
                                 day_short=day_short, clock=clock)
