"""Programs (modules/) and courses (courses/), loaded and checked into immutable objects."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import yaml

from selfhelp import config
from selfhelp.config import extra_measures_dir
from selfhelp.content.loader import load_catalogue
from selfhelp.content.model import (Catalogue, Course, Exercise, Field, MeasurePlan, Module,
                                    ModuleText, Problem, Program, SessionPlan, Text)

__all__ = ["Catalogue", "Course", "Exercise", "Field", "MeasurePlan", "Module", "ModuleText",
           "Problem", "Program", "SessionPlan", "Text", "get_catalogue", "known_measure_codes",
           "load_catalogue", "reset_catalogue"]

log = logging.getLogger(__name__)
_lock = threading.Lock()
_catalogue: Catalogue | None = None


def known_measure_codes() -> set[str]:
    """The `code` of every questionnaire in selfhelp/measures/data/ and in the folder named by
    SELFHELP_MEASURES_DIR. Read directly so content does not depend on the measures package."""
    folders = [Path(__file__).resolve().parent.parent / "measures" / "data"]
    if extra := extra_measures_dir():
        folders.append(extra)
    codes: set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                log.warning("cannot read measure %s: %s", path, exc)
                continue
            if isinstance(data, dict) and isinstance(data.get("code"), str):
                codes.add(data["code"])
    return codes


def get_catalogue() -> Catalogue:
    """The catalogue of the repository, loaded once per process; problems are logged."""
    global _catalogue
    with _lock:
        if _catalogue is None:
            catalogue = load_catalogue(config.ROOT, known_measure_codes())
            for problem in catalogue.problems:
                log.warning("content: %s", problem)
            _catalogue = catalogue
        return _catalogue


def reset_catalogue() -> None:
    """Forget the loaded catalogue (for tests), so the next get_catalogue() loads it again."""
    global _catalogue
    with _lock:
        _catalogue = None
