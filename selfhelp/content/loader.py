"""Load the whole catalogue: every program in modules/ and every course in courses/."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from selfhelp.content.courses import load_course
from selfhelp.content.model import COURSE_CODES, Catalogue, Course, Problem, Program
from selfhelp.content.programs import load_program

log = logging.getLogger(__name__)
T = TypeVar("T")


def load_catalogue(root: Path, known_measures: set[str]) -> Catalogue:
    """Load and check all content under `root`. Never raises on bad content: each problem is
    reported, and a program or course with any problem is left out (the rest still load)."""
    problems: list[Problem] = []
    programs: dict[str, Program] = {}
    courses: dict[str, Course] = {}
    for folder in _children(root, "modules", problems, Path.is_dir, "a program folder"):
        program = _guarded(load_program, folder, root, known_measures, problems)
        if program is not None:
            programs[program.slug] = program
    for path in _children(root, "courses", problems, _is_course_file, "a course (<code>.yaml)"):
        course = _guarded(load_course, path, root, known_measures, problems)
        if course is not None:
            courses[course.code] = course
    # The usual order of the courses (KiD, KiB, DU) rather than the order of the file names.
    courses = dict(sorted(courses.items(), key=lambda item: COURSE_CODES.index(item[0])))
    problems.sort(key=lambda p: (p.path, p.line))
    return Catalogue(programs=programs, courses=courses, problems=tuple(problems))


def _is_course_file(path: Path) -> bool:
    return path.is_file() and path.suffix == ".yaml"


def _children(root: Path, name: str, problems: list[Problem], keep: Callable[[Path], bool],
              expected: str) -> list[Path]:
    """The entries of root/name to load; anything else there is reported, as it would be
    silently ignored otherwise (a course saved as .yml, say)."""
    folder = root / name
    if not folder.is_dir():
        problems.append(Problem(name, 1, f"the folder {name}/ is missing"))
        return []
    children = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for path in children:
        if not keep(path):
            problems.append(Problem(f"{name}/{path.name}", 1, f"not {expected}: "
                                                              "it is ignored"))
    return [p for p in children if keep(p)]


def _guarded(load: Callable[[Path, Path, set[str], list[Problem]], T | None], path: Path,
             root: Path, known: set[str], problems: list[Problem]) -> T | None:
    # A bug in a check must not take the whole site down with it: report it like bad content.
    try:
        return load(path, root, known, problems)
    except Exception as exc:
        log.exception("checking %s failed", path)
        problems.append(Problem(path.relative_to(root).as_posix(), 1,
                                f"could not be checked ({type(exc).__name__}: {exc})"))
        return None
