"""Turn a submitted worksheet form into stored data, keeping everything the resident typed.

Field names in the form: `f-<field>`; rows: `f-<field>-<row>-<column>`. Values that do not fit
(a scale of 14, a date of "next tuesday") are kept as typed and reported, never thrown away.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from selfhelp.content.model import Exercise, Field

SHORT_MAX = 500
LONG_MAX = 20_000
ROW_NAME = re.compile(r"^f-(?P<field>[a-z0-9_]+)-(?P<row>\d{1,3})-(?P<column>[a-z0-9_]+)$")
MAX_ROWS = 200


def _check_value(field: Field, raw: str, options_nb: tuple[str, ...]) -> str | None:
    """A message when the value does not fit the field, else None."""
    if raw == "":
        return None
    if field.type == "short_text" and len(raw) > SHORT_MAX:
        return str(_l("Teksten er lengre enn %(max)d tegn. Den er lagret, men kort den gjerne ned.", max=SHORT_MAX))
    if field.type == "long_text" and len(raw) > LONG_MAX:
        return str(_l("Teksten er lengre enn %(max)d tegn. Del den gjerne opp.", max=LONG_MAX))
    if field.type in ("scale", "number"):
        low, high = (0, 10) if field.type == "scale" else (field.min, field.max)
        if not re.fullmatch(r"-?\d{1,6}", raw.strip()) or not low <= int(raw) <= high:
            return str(_l("Skriv et helt tall fra %(low)d til %(high)d.", low=low, high=high))
    if field.type == "date":
        try:
            date.fromisoformat(raw.strip())
        except ValueError:
            return str(_l("Skriv datoen som åååå-mm-dd, for eksempel 2026-05-17."))
    if field.type == "choice" and raw not in options_nb:
        return str(_l("Velg et av alternativene."))
    return None


def _clean(raw: str) -> str:
    # Control characters never come from a keyboard; newlines and tabs do.
    return "".join(c for c in raw if c in "\n\t" or ord(c) >= 32).replace("\r\n", "\n")


def parse_worksheet(exercise: Exercise, form, options_nb) -> tuple[dict, dict[str, str]]:
    """Return (data, problems). `options_nb(field_key, column_key)` gives the stored option values."""
    data: dict = {}
    problems: dict[str, str] = {}
    for field in exercise.fields:
        if field.type == "rows":
            data[field.key] = _parse_rows(field, form, options_nb, problems)
        elif field.type == "multi_choice":
            allowed = options_nb(field.key, None)
            data[field.key] = [v for v in form.getlist(f"f-{field.key}") if v in allowed]
        else:
            raw = _clean(form.get(f"f-{field.key}", ""))
            data[field.key] = raw
            message = _check_value(field, raw, options_nb(field.key, None))
            if message:
                problems[f"f-{field.key}"] = message
    return data, problems


def _parse_rows(field: Field, form, options_nb, problems: dict[str, str]) -> list[dict]:
    rows: dict[int, dict] = {}
    for name in form.keys():
        match = ROW_NAME.match(name)
        if not match or match["field"] != field.key:
            continue
        index = int(match["row"])
        column = next((c for c in field.columns if c.key == match["column"]), None)
        if column is None or index >= MAX_ROWS:
            continue
        if column.type == "multi_choice":
            value = [v for v in form.getlist(name) if v in options_nb(field.key, column.key)]
        else:
            value = _clean(form.get(name, ""))
            message = _check_value(column, value, options_nb(field.key, column.key))
            if message:
                problems[name] = message
        rows.setdefault(index, {})[column.key] = value
    ordered = [rows[i] for i in sorted(rows)]
    return [row for row in ordered if any(v not in ("", []) for v in row.values())]


def is_empty(data: dict) -> bool:
    return all(v in ("", [], None) for v in data.values())


def sorted_rows(field: Field, rows: list[dict]) -> list[dict]:
    """Rows in display order: by `sort_by` (e.g. expected fear) when the field says so."""
    if not field.sort_by:
        return rows

    def key(row):
        value = str(row.get(field.sort_by, "")).strip()
        return (0, int(value)) if value.lstrip("-").isdigit() else (1, 0)

    return sorted(rows, key=key)
