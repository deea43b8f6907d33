"""Form pieces shared by every domain."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


def validates_csrf_in_form(view: Callable) -> Callable:
    """Mark a view whose FlaskForm checks the CSRF token itself.

    Such a view shows a missing or stale token as a form error and keeps what was typed;
    every other view is protected by the app-wide check, which refuses the request.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.csrf_in_form = True  # type: ignore[attr-defined]
    return wrapped


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoControlCharacters:
    """Refuse invisible control characters (they break exports and are never typed on purpose)."""

    def __call__(self, form, field):
        value = field.data if isinstance(field.data, str) else ""
        if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
            raise ValidationError(_l("Teksten inneholder tegn som ikke er tillatt."))


class EmptyForm(FlaskForm):
    """For buttons that only need CSRF protection (log out, mark as read ...)."""


#: Dates outside these years are typing mistakes (and 0001-01-01 or 9999-12-31 overflow when
#: turned into an instant in Oslo time).
FIRST_YEAR, LAST_YEAR = 1900, 2999


class DateInput(DateField):
    """A date field that accepts what browsers send (2026-05-17) and what people type (17.05.2026)."""

    def __init__(self, label=None, validators=None, years=(FIRST_YEAR, LAST_YEAR), **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"], **kwargs)
        self.years = years

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Skriv datoen som dag.måned.år, for eksempel 17.05.1990.")) from error

    def post_validate(self, form, validation_stopped):
        """After the form's own validators (which may name a narrower range): a date no one
        means is refused, and dropped so nothing computes with it."""
        first, last = self.years
        if self.data is not None and not first <= self.data.year <= last:
            self.data = None
            if not self.errors:
                self.errors.append(_l("Velg en dato mellom år %(first)s og %(last)s.",
                                      first=first, last=last))


class DatePartsInput(DateInput):
    """A date typed as three boxes, day, month and year (as GOV.UK asks for a birth date): the
    form posts `<name>-day`, `<name>-month` and `<name>-year`. A date posted whole (2026-05-17 or
    17.05.2026, as scripts and older pages send it) is read as DateInput reads it. What was typed
    is kept in `parts` to show again."""

    PARTS = ("day", "month", "year")

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.parts = {part: "" for part in self.PARTS}
        self.from_parts = formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.PARTS)
        if self.from_parts:
            self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip()[:8]
                          for part in self.PARTS}
            typed = [self.parts[p] for p in self.PARTS]
            whole = [] if not any(typed) else [self._whole(*typed)]
            formdata = MultiDict({self.name: whole[0]} if whole else {})
        super().process(formdata, data, extra_filters)
        if self.data is not None and not any(self.parts.values()):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}

    @staticmethod
    def _whole(day: str, month: str, year: str) -> str:
        """The three boxes as one dd.mm.yyyy text; a box left empty or not a number gives a text
        DateInput refuses with its message."""
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            return f"{day}.{month}.{year}?"
        return f"{int(day):02d}.{int(month):02d}.{year}"

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            if not self.from_parts:
                raise
            raise ValueError(_l("Skriv en dato som finnes: dag, måned og år med tall, for eksempel 17 5 1990.")) from error


def csrf_is_valid(token: str | None) -> bool:
    """For views that check the token themselves so they can keep what was typed."""
    from flask_wtf.csrf import ValidationError as CSRFInvalid
    from flask_wtf.csrf import validate_csrf

    try:
        validate_csrf(token)
    except CSRFInvalid:
        return False
    return True


#: The largest id a posted form may name (PostgreSQL's integer; larger would overflow the driver).
MAX_POSTED_ID = 2**31 - 1


def posted_id(name: str) -> int:
    """A record id from the posted form, or 0 (which matches nothing) when it is missing, not a
    number, or out of range — so a forged value is a 404, never a 500."""
    from flask import request

    value = request.form.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_POSTED_ID else 0


def strip_nul_characters() -> None:
    """before_request: drop NUL characters from the query string and posted fields. Nobody types
    them, and PostgreSQL refuses them in text (a 500 otherwise); every other character is kept."""
    from flask import request
    from werkzeug.datastructures import ImmutableMultiDict

    args = list(request.args.items(multi=True))
    if any("\x00" in key or "\x00" in value for key, value in args):
        request.args = ImmutableMultiDict(
            [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in args])
    if request.method != "POST" or not request.form:
        return None
    pairs = list(request.form.items(multi=True))
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        request.form = ImmutableMultiDict(
            [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in pairs])
    return None
