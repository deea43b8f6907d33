"""Showing stored worksheet values in the reader's language (options are stored in bokmål)."""
from __future__ import annotations

from selfhelp.content.model import Module


def display_value(module: Module, locale: str, exercise_key: str, field_key: str,
                  column_key: str | None, value) -> str:
    if value in (None, "", []):
        return ""
    try:
        stored = module.options_nb(exercise_key, field_key, column_key)
    except KeyError:
        stored = ()
    if not stored:
        return str(value)
    exercise = module.text(locale).exercise(exercise_key)
    field = exercise.field(field_key) if exercise else None
    if field is not None and column_key:
        field = field.column(column_key)
    labels = field.options if field is not None else stored

    def label(v: str) -> str:
        return labels[stored.index(v)] if v in stored and stored.index(v) < len(labels) else v

    if isinstance(value, list):
        return ", ".join(label(v) for v in value)
    return label(str(value))


def answer_as_text(module: Module, locale: str, exercise_key: str, data: dict) -> str:
    """A plain-text copy of one answer, for download."""
    exercise = module.text(locale).exercise(exercise_key)
    lines = [exercise.title, "=" * len(exercise.title), ""]
    for field in exercise.fields:
        lines.append(field.label)
        value = data.get(field.key)
        if field.type == "rows":
            for number, row in enumerate(value or [], start=1):
                lines.append(f"  {number}.")
                for column in field.columns:
                    shown = display_value(module, locale, exercise_key, field.key, column.key,
                                          row.get(column.key))
                    lines.append(f"     {column.label}: {shown}")
        else:
            lines.append("  " + (display_value(module, locale, exercise_key, field.key, None, value) or "-"))
        lines.append("")
    return "\n".join(lines)
