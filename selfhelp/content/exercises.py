"""Exercises and their fields, from a module's front matter."""
from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode

from selfhelp.content.markdown import render
from selfhelp.content.model import FIELD_TYPES, Exercise, Field
from selfhelp.content.source import Entry, Source

#: Keys become form names and JSON keys in stored answers, so keep them plain.
KEY = re.compile(r"[a-z][a-z0-9_]*")

#: Keys a field may have besides key, type, label and help, per type.
EXTRAS: dict[str, tuple[str, ...]] = {
    "short_text": (), "long_text": (), "date": (),
    "scale": ("min_label", "max_label"),
    "number": ("min", "max"),
    "choice": ("options",),
    "multi_choice": ("options",),
    "rows": ("columns", "add_label", "min_rows", "sort_by"),
}
REQUIRED_EXTRAS = {"number": ("min", "max"), "choice": ("options",),
                   "multi_choice": ("options",), "rows": ("columns",)}
ALL_EXTRAS = tuple(dict.fromkeys(k for keys in EXTRAS.values() for k in keys))

#: File line of each exercise (key,), field (key, field) and column (key, field, column), so the
#: English file can be compared with the bokmål one and problems still point at a line.
Lines = dict[tuple[str, ...], int]


def _peek_key(node: Node) -> str | None:
    """The `key:` of a mapping before it is checked, to name it in problems."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "key" and isinstance(v, ScalarNode):
                return v.value or None
    return None


def _key(src: Source, entries: dict[str, Entry], ctx: str) -> str | None:
    key = src.string(entries.get("key"), "key", ctx)
    if key is not None and not KEY.fullmatch(key):
        src.report(entries["key"].line,
                   f"{ctx}key '{key}' must be a-z, 0-9 and _, starting with a letter")
        return None
    return key


def parse_exercises(src: Source, entry: Entry, lines: Lines) -> tuple[Exercise, ...]:
    lines[()] = entry.line
    exercises: dict[str, Exercise] = {}
    for index, node in enumerate(src.sequence(entry, "exercises", ""), start=1):
        exercise = _exercise(src, node, index, lines)
        if exercise is None:
            continue
        if exercise.key in exercises:
            src.report(node, f"duplicate exercise key '{exercise.key}'")
        else:
            exercises[exercise.key] = exercise
    return tuple(exercises.values())


def _exercise(src: Source, node: Node, index: int, lines: Lines) -> Exercise | None:
    peeked = _peek_key(node)
    ctx = f"exercise '{peeked}': " if peeked else f"exercise {index}: "
    entries = src.mapping(node, ctx, ("key", "title", "fields"), ("intro",))
    if entries is None:
        return None
    key = _key(src, entries, ctx)
    title = src.string(entries.get("title"), "title", ctx)
    intro = src.string(entries.get("intro"), "intro", ctx)
    fields: dict[str, Field] = {}
    for i, field_node in enumerate(src.sequence(entries.get("fields"), "fields", ctx), start=1):
        field = _field(src, field_node, ctx, "field", i, (key or "",), lines)
        if field is not None and field.key in fields:
            src.report(field_node, f"{ctx}duplicate field key '{field.key}'")
        elif field is not None:
            fields[field.key] = field
    if key is None:
        return None
    lines[(key,)] = src.line(node)
    return Exercise(key=key, title=title or "", intro_html=render(intro) if intro else "",
                    fields=tuple(fields.values()))


def _field(src: Source, node: Node, outer: str, kind: str, index: int,
           path: tuple[str, ...], lines: Lines) -> Field | None:
    """A field of an exercise (kind "field") or a column of a rows field (kind "column")."""
    peeked = _peek_key(node)
    ctx = f"{outer}{kind} '{peeked}': " if peeked else f"{outer}{kind} {index}: "
    entries = src.mapping(node, ctx, ("key", "type", "label"), ("help", *ALL_EXTRAS))
    if entries is None:
        return None
    key = _key(src, entries, ctx)
    type_ = src.string(entries.get("type"), "type", ctx)
    if type_ is not None and type_ not in FIELD_TYPES:
        src.report(entries["type"].line,
                   f"{ctx}unknown type '{type_}' (known: {', '.join(FIELD_TYPES)})")
        type_ = None
    elif type_ == "rows" and kind == "column":
        src.report(entries["type"].line, f"{ctx}a column cannot be of type 'rows'")
        type_ = None
    label = src.string(entries.get("label"), "label", ctx)
    help_ = src.string(entries.get("help"), "help", ctx)
    if type_ is None or key is None:
        return None
    for extra in ALL_EXTRAS:
        if extra in entries and extra not in EXTRAS[type_]:
            src.report(entries[extra].line, f"{ctx}'{extra}' does not apply to type '{type_}'")
    for extra in REQUIRED_EXTRAS.get(type_, ()):
        if extra not in entries:
            src.report(node, f"{ctx}missing '{extra}' (required for type '{type_}')")
    lines[(*path, key)] = src.line(node)
    field = Field(key=key, type=type_, label=label or "", help=help_)
    extras = {k: e for k, e in entries.items() if k in EXTRAS[type_]}
    if type_ == "scale":
        return _scale(src, field, extras, ctx)
    if type_ == "number":
        return _number(src, field, extras, ctx)
    if type_ in ("choice", "multi_choice"):
        return _choice(src, field, extras, ctx)
    if type_ == "rows":
        return _rows(src, field, extras, ctx, (*path, key), lines)
    return field


def _scale(src: Source, field: Field, extras: dict[str, Entry], ctx: str) -> Field:
    return Field(key=field.key, type=field.type, label=field.label, help=field.help, min=0, max=10,
                 min_label=src.string(extras.get("min_label"), "min_label", ctx),
                 max_label=src.string(extras.get("max_label"), "max_label", ctx))


def _number(src: Source, field: Field, extras: dict[str, Entry], ctx: str) -> Field:
    low = src.integer(extras.get("min"), "min", ctx)
    high = src.integer(extras.get("max"), "max", ctx)
    if low is not None and high is not None and low >= high:
        src.report(extras["min"].line, f"{ctx}'min' ({low}) must be less than 'max' ({high})")
    return Field(key=field.key, type=field.type, label=field.label, help=field.help,
                 min=low, max=high)


def _choice(src: Source, field: Field, extras: dict[str, Entry], ctx: str) -> Field:
    options: list[str] = []
    for node in src.sequence(extras.get("options"), "options", ctx):
        option = src.string(src.item(node), "options", ctx)
        if option is not None and option in options:
            src.report(node, f"{ctx}option '{option}' appears twice")
        elif option is not None:
            options.append(option)
    return Field(key=field.key, type=field.type, label=field.label, help=field.help,
                 options=tuple(options))


def _rows(src: Source, field: Field, extras: dict[str, Entry], ctx: str,
          path: tuple[str, ...], lines: Lines) -> Field:
    columns: dict[str, Field] = {}
    nodes = src.sequence(extras.get("columns"), "columns", ctx)
    # Compare sort_by with every column named, even one with problems of its own.
    named = [key for key in map(_peek_key, nodes) if key]
    for i, node in enumerate(nodes, start=1):
        column = _field(src, node, ctx, "column", i, path, lines)
        if column is not None and column.key in columns:
            src.report(node, f"{ctx}duplicate column key '{column.key}'")
        elif column is not None:
            columns[column.key] = column
    min_rows = src.integer(extras.get("min_rows"), "min_rows", ctx, 0)
    sort_by = src.string(extras.get("sort_by"), "sort_by", ctx)
    if sort_by is not None and named and sort_by not in named:
        src.report(extras["sort_by"].line, f"{ctx}'sort_by' must name one of its columns "
                                           f"({', '.join(named)}), not '{sort_by}'")
    return Field(key=field.key, type=field.type, label=field.label, help=field.help,
                 columns=tuple(columns.values()),
                 add_label=src.string(extras.get("add_label"), "add_label", ctx),
                 min_rows=1 if min_rows is None else min_rows, sort_by=sort_by)
