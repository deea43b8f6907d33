"""A self-help program: modules/<slug>/program.yaml and its module files."""
from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import Node, SequenceNode

from selfhelp.content.markdown import render
from selfhelp.content.model import (MEASURE_TIMES, UNLOCK_MODES, MeasurePlan, Module, Problem,
                                    Program)
from selfhelp.content.modules import (ModuleFile, check_goals, compare_translation,
                                      load_module_file)
from selfhelp.content.source import (LANGUAGE_NAMES, LANGUAGES, TRANSLATIONS, Entry, Source,
                                     read_text)

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MODULE_NAME = re.compile(r"(\d\d)-[a-z0-9]+(-[a-z0-9]+)*")
TEXTS = ("title", "summary", "description", "audience")
KEYS = ("slug", *TEXTS, "guided", "unlock", "weeks", "measures", "followup_months", "modules")
#: Optional keys of program.yaml.
OPTIONAL_KEYS = ("languages", "min_age")
#: Guided programs are health care: 16 is the age of consent for it in Norway.
GUIDED_MIN_AGE = 16
MAX_AGE = 120


def load_program(folder: Path, root: Path, known_measures: set[str],
                 problems: list[Problem]) -> Program | None:
    """The program in `folder`, or None if anything about it is wrong (all reported)."""
    count = len(problems)
    rel = folder.relative_to(root).as_posix()
    path = folder / "program.yaml"
    if not path.is_file():
        problems.append(Problem(f"{rel}/program.yaml", 1, "the file is missing (every folder "
                                                          "in modules/ is a program)"))
        return None
    content = read_text(path, f"{rel}/program.yaml", problems)
    src = Source(f"{rel}/program.yaml", problems)
    node = src.compose(content) if content is not None else None
    entries = (src.mapping(node, "", KEYS, OPTIONAL_KEYS, what="the file")
               if node is not None else None)
    if entries is None:
        return None
    e = entries.get
    slug = src.string(e("slug"), "slug", "")
    if slug is not None and not SLUG.fullmatch(slug):
        src.report(entries["slug"].line, f"'slug' must be a-z, 0-9 and '-', not '{slug}'")
    elif slug is not None and slug != folder.name:
        src.report(entries["slug"].line, f"'slug' is '{slug}' but the folder is '{folder.name}'")
    names, listed = _module_names(src, e("modules"))
    module_files = _load_modules(folder, rel, names, listed, problems)
    texts = {key: src.text(e(key), key, "") for key in TEXTS}
    declared = _languages(src, e("languages"))
    if module_files is not None:
        _check_languages(src, rel, entries, names, module_files, texts, declared)
    guided = src.boolean(e("guided"), "guided", "")
    min_age = _min_age(src, e("min_age"), bool(guided))
    unlock = src.choice(e("unlock"), "unlock", "", UNLOCK_MODES)
    weeks = src.integer(e("weeks"), "weeks", "", 1)
    if unlock == "weekly" and weeks is not None and names and weeks < len(names):
        src.report(entries["weeks"].line, f"'weeks' ({weeks}) is less than the number of "
                                          f"modules ({len(names)}), and one opens each week")
    measures = _measures(src, e("measures"), known_measures)
    months = _followup_months(src, e("followup_months"), measures)
    if len(problems) > count or module_files is None:
        return None
    modules = tuple(Module(slug=name, number=number,
                           texts={lang: f.text for lang, f in files.items()})
                    for number, ((name, _), files)
                    in enumerate(zip(names, module_files, strict=True), start=1))
    return Program(slug=slug or "", title=texts["title"], summary=texts["summary"],
                   description_html={k: render(v) for k, v in texts["description"].items()},
                   audience=texts["audience"], guided=bool(guided), min_age=min_age, unlock=unlock or "",
                   weeks=weeks or 0, measures=measures, followup_months=months, modules=modules)


def _min_age(src: Source, entry: Entry | None, guided: bool) -> int | None:
    """The youngest age that may start the program: guided programs default to 16, unguided
    ones have no limit unless the file sets one; null means no limit."""
    if entry is None:
        return GUIDED_MIN_AGE if guided else None
    age = src.integer(entry, "min_age", "", 0, nullable=True)
    if age is not None and age > MAX_AGE:
        src.report(entry.line, f"'min_age' must be at most {MAX_AGE}, not {age}")
        return None
    return age


def _load_modules(folder: Path, rel: str, names: list[tuple[str, int]], listed: set[str],
                  problems: list[Problem]) -> list[dict[str, ModuleFile]] | None:
    """Each listed module's files by language, checked together; None if any is unusable."""
    loaded = [_load_module(folder, rel, name, line, problems) for name, line in names]
    _check_unlisted(folder, rel, listed, problems)
    modules = [files for files in loaded if files is not None]
    if not modules or len(modules) < len(loaded):
        return None
    check_goals(modules[0]["nb"], modules[-1]["nb"], problems)
    for files in modules:
        for lang in TRANSLATIONS:
            if lang in files:
                compare_translation(files["nb"], files[lang], problems)
    return modules


def _languages(src: Source, entry: Entry | None) -> set[str]:
    """The languages program.yaml declares with `languages:`; bokmål alone when it has none."""
    declared = {"nb"}
    if entry is None:
        return declared
    given = _known_values(src, entry, "languages", "", LANGUAGES)
    if given and "nb" not in given:
        src.report(entry.line, "'languages' must include 'nb' (every module is written in "
                               "bokmål first)")
    return declared | set(given)


def _check_languages(src: Source, rel: str, entries: dict[str, Entry],
                     names: list[tuple[str, int]], module_files: list[dict[str, ModuleFile]],
                     texts: dict[str, dict[str, str]], declared: set[str]) -> None:
    """A program is offered in a language when program.yaml declares it or any module has a
    file in it. Then every module must have that file (a resident must not fall back to bokmål
    halfway through), and so must every text of the program page."""
    present = {lang for files in module_files for lang in files}
    for lang in (lang for lang in TRANSLATIONS if lang in declared | present):
        name_of = LANGUAGE_NAMES[lang]
        why = ("program.yaml declares it under 'languages'" if lang in declared
               else "other modules have one")
        for (name, line), files in zip(names, module_files, strict=True):
            if lang not in files:
                src.report(line, f"module '{name}': the {name_of} file {rel}/{name}.{lang}.md "
                                 f"is missing ({why})")
        for key, text in texts.items():
            if text and lang not in text:
                src.report(entries[key].line, f"'{key}': missing the '{lang}' text (the program "
                                              f"is offered in {name_of})")


def _module_names(src: Source, entry: Entry | None) -> tuple[list[tuple[str, int]], set[str]]:
    """The usable module names with their lines in program.yaml, and every name listed."""
    if entry is None:
        return [], set()
    names: list[tuple[str, int]] = []
    listed: set[str] = set()
    for position, node in enumerate(src.sequence(entry, "modules", ""), start=1):
        line = src.line(node)
        name = src.string(src.item(node), "modules", "")
        match = MODULE_NAME.fullmatch(name) if name else None
        if name is None:
            continue
        listed.add(name)
        if match is None:
            src.report(line, f"module '{name}': the name must be NN-slug (two digits, then "
                             "a-z, 0-9 and '-')")
        elif int(match.group(1)) != position:
            src.report(line, f"module '{name}': its number must be its position in the list "
                             f"({position:02d})")
        elif name in (n for n, _ in names):
            src.report(line, f"module '{name}' is listed twice")
        else:
            names.append((name, line))
    return names, listed


def _load_module(folder: Path, rel: str, name: str, line: int,
                 problems: list[Problem]) -> dict[str, ModuleFile] | None:
    """The module's files by language; None if the bokmål file is missing or unusable."""
    path = folder / f"{name}.md"
    if not path.is_file():
        problems.append(Problem(f"{rel}/program.yaml", line,
                                f"module '{name}': the file {rel}/{name}.md is missing"))
        return None
    files = {"nb": load_module_file(path, f"{rel}/{name}.md", problems)}
    for lang in TRANSLATIONS:
        if (folder / f"{name}.{lang}.md").is_file():
            files[lang] = load_module_file(folder / f"{name}.{lang}.md",
                                           f"{rel}/{name}.{lang}.md", problems)
    usable = {lang: f for lang, f in files.items() if f is not None}
    return usable if len(usable) == len(files) else None


def _check_unlisted(folder: Path, rel: str, listed: set[str], problems: list[Problem]) -> None:
    # An unlisted file is never shown, which is almost always a mistake in program.yaml.
    for path in sorted(folder.glob("*.md")):
        name = path.name.removesuffix(".md")
        base, dot, lang = name.rpartition(".")
        if dot and lang in TRANSLATIONS:
            name = base
        elif dot:
            problems.append(Problem(f"{rel}/{path.name}", 1,
                                    f"unknown language '{lang}' in the file name (known: "
                                    f"{', '.join(TRANSLATIONS)}; bokmål has none)"))
            continue
        if name not in listed:
            problems.append(Problem(f"{rel}/{path.name}", 1,
                                    "the module is not listed under 'modules' in program.yaml"))


def _measures(src: Source, entry: Entry | None, known: set[str]) -> tuple[MeasurePlan, ...]:
    plans: dict[str, MeasurePlan] = {}
    for index, node in enumerate(src.sequence(entry, "measures", "", non_empty=False), start=1):
        plan = _measure(src, node, index, known)
        if plan is not None and plan.code in plans:
            src.report(node, f"measure '{plan.code}' is listed twice")
        elif plan is not None:
            plans[plan.code] = plan
    return tuple(plans.values())


def _measure(src: Source, node: Node, index: int, known: set[str]) -> MeasurePlan | None:
    entries = src.mapping(node, f"measure {index}: ", ("code", "when"))
    code = src.string(entries.get("code"), "code", f"measure {index}: ") if entries else None
    if entries is None or code is None:
        return None
    ctx = f"measure '{code}': "
    if code not in known:
        src.report(entries["code"].line,
                   f"{ctx}unknown code (known: {', '.join(sorted(known)) or 'none'})")
    when = _known_values(src, entries.get("when"), "when", ctx, MEASURE_TIMES)
    return MeasurePlan(code=code, when=tuple(when))


def _known_values(src: Source, entry: Entry | None, name: str, ctx: str,
                  known: tuple[str, ...]) -> list[str]:
    """A list of words from `known`, each at most once (the others are reported)."""
    values: list[str] = []
    for item in src.sequence(entry, name, ctx):
        value = src.string(src.item(item), name, ctx)
        if value is not None and value not in known:
            src.report(item, f"{ctx}unknown '{name}' value '{value}' (known: {', '.join(known)})")
        elif value is not None and value in values:
            src.report(item, f"{ctx}'{name}' lists '{value}' twice")
        elif value is not None:
            values.append(value)
    return values


def _followup_months(src: Source, entry: Entry | None,
                     measures: tuple[MeasurePlan, ...]) -> tuple[int, ...]:
    if entry is None:
        return ()
    if not isinstance(entry.node, SequenceNode):
        src.report(entry.line, "'followup_months' must be a list (it may be empty: [])")
        return ()
    months: list[int] = []
    for node in entry.node.value:
        month = src.integer(src.item(node), "followup_months", "", 1)
        if month is not None and months and month <= months[-1]:
            src.report(node, "'followup_months' must be in increasing order")
        elif month is not None:
            months.append(month)
    at_followup = [m.code for m in measures if "followup" in m.when]
    if at_followup and not entry.node.value:
        src.report(entry.line, f"'followup_months' is empty, but {', '.join(at_followup)} "
                               "is asked at 'followup'")
    elif entry.node.value and measures and not at_followup:
        src.report(entry.line, "'followup_months' is set, but no measure is asked at 'followup'")
    return tuple(months)
