"""The two ways a resident gets their data: a JSON file and a readable (printable) page.
Both render what queries.collect() gathered, so they always hold the same things."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from flask import render_template

from selfhelp.pathway.forms import DECISION_LABELS


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in the export")


def as_json(data: dict) -> str:
    """Instants in UTC (ISO 8601), dates as YYYY-MM-DD, text as UTF-8 (not escaped)."""
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2)


def as_html(data: dict) -> str:
    return render_template("privacy/export.html", data=data, decision_labels=DECISION_LABELS)
