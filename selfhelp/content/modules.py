"""One module file (front matter + Markdown body), and the checks across a program's modules."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from selfhelp.content.exercises import Lines, parse_exercises
from selfhelp.content.markdown import h1_lines, raw_html_lines, render, word_count
from selfhelp.content.model import Exercise, Field, ModuleText, Problem
from selfhelp.content.source import Source, read_text

MIN_WORDS = 600


@dataclass(frozen=True)
class ModuleFile:
    rel: str
    text: ModuleText
    #: File lines of the exercises, fields and columns (see exercises.Lines).
    lines: Lines


def load_module_file(path: Path, rel: str, problems: list[Problem]) -> ModuleFile | None:
    """Parse and check one module file; None when its front matter cannot be used."""
    content = read_text(path, rel, problems)
    if content is None:
        return None
    lines = content.removeprefix("\ufeff").split("\n")
    if lines[0].rstrip() != "---":
        problems.append(Problem(rel, 1, "the file must start with front matter: a '---' line, "
                                        "the YAML, and another '---' line"))
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"), None)
    if end is None:
        problems.append(Problem(rel, 1, "the front matter is not closed by a '---' line"))
        return None
    # The front matter starts on file line 2; the body on the line after the closing '---'.
    body = "\n".join(lines[end + 1:])
    words = _check_body(Source(rel, problems), body, end + 2)
    src = Source(rel, problems, first_line=2)
    node = src.compose("\n".join(lines[1:end]), "the front matter",
                       "the front matter is empty")
    entries = None if node is None else src.mapping(
        node, "", ("title", "minutes", "summary"), ("exercises",), what="the front matter")
    if entries is None:
        return None
    title = src.string(entries.get("title"), "title", "")
    summary = src.string(entries.get("summary"), "summary", "")
    minutes = src.integer(entries.get("minutes"), "minutes", "", 1)
    where: Lines = {}
    exercises = parse_exercises(src, entries["exercises"], where) if "exercises" in entries else ()
    if not src.ok:
        return None
    text = ModuleText(title=title or "", summary=summary or "", minutes=minutes or 0,
                      body_html=render(body), exercises=exercises, word_count=words)
    return ModuleFile(rel, text, where)


def _check_body(src: Source, body: str, first_line: int) -> int:
    for line in h1_lines(body):
        src.report(first_line + line, "headings start at '##' ('#' is the module title)")
    for line in raw_html_lines(body):
        src.report(first_line + line, "raw HTML is not allowed (it would be shown as text)")
    words = word_count(body)
    if words < MIN_WORDS:
        text_line = next((i for i, line in enumerate(body.split("\n")) if line.strip()), 0)
        src.report(first_line + text_line,
                   f"the text has {words} words; a module needs at least {MIN_WORDS}")
    return words


def check_goals(first: ModuleFile, last: ModuleFile, problems: list[Problem]) -> None:
    """The dashboard shows the goals set in the first module and reviewed in the last."""
    goals = first.text.exercise("goals")
    if goals is None:
        problems.append(Problem(first.rel, first.lines.get((), 2),
                                "the first module needs an exercise 'goals' "
                                "(with fields 'general_goal' and 'specific_goals')"))
    else:
        line = first.lines[("goals",)]
        general = goals.field("general_goal")
        if general is None or general.type != "long_text":
            problems.append(Problem(first.rel, first.lines.get(("goals", "general_goal"), line),
                                    "exercise 'goals': needs a field 'general_goal' of type "
                                    "long_text"))
        specific = goals.field("specific_goals")
        column = specific.column("goal") if specific else None
        if column is None or column.type != "short_text":
            problems.append(Problem(
                first.rel, first.lines.get(("goals", "specific_goals"), line),
                "exercise 'goals': needs a field 'specific_goals' of type rows with a column "
                "'goal' of type short_text"))
    if last.text.exercise("goals_review") is None:
        problems.append(Problem(last.rel, last.lines.get((), 2),
                                "the last module needs an exercise 'goals_review'"))


def compare_translation(nb: ModuleFile, other: ModuleFile, problems: list[Problem]) -> None:
    """A translation must have the bokmål file's exercises and fields: answers are stored by key,
    and choices by the index of the option."""
    def report(where: tuple[str, ...], message: str) -> None:
        # Missing items are reported at their parent, which the translation does have.
        while where and where not in other.lines:
            where = where[:-1]
        problems.append(Problem(other.rel, other.lines.get(where, 2), message))

    for ex_nb, ex in _pair(nb.text.exercises, other.text.exercises, "", "exercise", (), report):
        ctx = f"exercise '{ex.key}': "
        if ex_nb.intro_html and not ex.intro_html:
            report((ex.key,), f"{ctx}'intro' is missing (the bokmål file has it)")
        for f_nb, f in _pair(ex_nb.fields, ex.fields, ctx, "field", (ex.key,), report):
            if not _compare_field(f_nb, f, f"{ctx}field '{f.key}': ", (ex.key, f.key), report):
                continue
            for c_nb, c in _pair(f_nb.columns, f.columns, f"{ctx}field '{f.key}': ", "column",
                                 (ex.key, f.key), report):
                _compare_field(c_nb, c, f"{ctx}field '{f.key}': column '{c.key}': ",
                               (ex.key, f.key, c.key), report)


#: Optional texts of a field: where the bokmål file has one, a translation needs it too.
TRANSLATED_EXTRAS = ("help", "min_label", "max_label", "add_label")

Report = Callable[[tuple[str, ...], str], None]
Keyed = TypeVar("Keyed", Exercise, Field)


def _pair(nb: Sequence[Keyed], other: Sequence[Keyed], ctx: str, what: str,
          path: tuple[str, ...], report: Report) -> list[tuple[Keyed, Keyed]]:
    """Items with the same key in both files; reports the ones only one file has."""
    nb_keys, keys = [i.key for i in nb], [i.key for i in other]
    for key in nb_keys:
        if key not in keys:
            report(path, f"{ctx}{what} '{key}' is missing (the bokmål file has it)")
    for key in keys:
        if key not in nb_keys:
            report((*path, key), f"{ctx}{what} '{key}' is not in the bokmål file")
    common_nb = [k for k in nb_keys if k in keys]
    common = [k for k in keys if k in nb_keys]
    if common != common_nb:
        first = next(k for k, k_nb in zip(common, common_nb, strict=True) if k != k_nb)
        report((*path, first), f"{ctx}{what} '{first}' is not in the same order as in the "
                                "bokmål file")
    by_key = {i.key: i for i in other}
    return [(item, by_key[item.key]) for item in nb if item.key in by_key]


def _compare_field(nb: Field, field: Field, ctx: str, path: tuple[str, ...],
                   report: Report) -> bool:
    """Report what differs; False if even the type does (so the rest cannot be compared)."""
    if field.type != nb.type:
        report(path, f"{ctx}type '{field.type}' differs from the bokmål file ('{nb.type}')")
        return False
    if len(field.options) != len(nb.options):
        report(path, f"{ctx}has {len(field.options)} options, the bokmål file has "
                     f"{len(nb.options)}")
    elif field.options == nb.options and any(c.isalpha() for o in nb.options for c in o):
        report(path, f"{ctx}the options are the bokmål ones (not translated)")
    for name in TRANSLATED_EXTRAS:
        if getattr(nb, name) and not getattr(field, name):
            report(path, f"{ctx}'{name}' is missing (the bokmål file has it)")
    for name in ("min", "max", "min_rows", "sort_by"):
        mine, theirs = getattr(field, name), getattr(nb, name)
        if mine != theirs:
            report(path, f"{ctx}'{name}' is {_show(mine)}, the bokmål file has {_show(theirs)}")
    return True


def _show(value: object) -> str:
    return "not set" if value is None else repr(value)
