"""Immutable objects for programs, modules and courses, as loaded from modules/ and courses/."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from selfhelp.i18n import in_language

#: A user-facing text per language, e.g. {"nb": "Mål", "en": "Goal"}; "nb" is always present.
Text = Mapping[str, str]

FIELD_TYPES = ("short_text", "long_text", "scale", "number", "choice", "multi_choice", "date",
               "rows")
MEASURE_TIMES = ("start", "weekly", "end", "followup")
UNLOCK_MODES = ("weekly", "on_completion")
SESSION_KINDS = ("weekly", "followup")
LEADER_QUALIFICATIONS = ("kid_leader", "kib_leader", "du_leader")
COURSE_CODES = ("KiD", "KiB", "DU")


@dataclass(frozen=True)
class Field:
    """One input of an exercise; labels are in the language of the file it came from."""

    key: str
    type: str
    label: str
    help: str | None = None
    options: tuple[str, ...] = ()
    #: number: the allowed range; scale: always 0 and 10, so the app can check both alike.
    min: int | None = None
    max: int | None = None
    min_label: str | None = None
    max_label: str | None = None
    columns: tuple[Field, ...] = ()
    add_label: str | None = None
    #: rows: empty rows shown at the start (default 1); 0 for every other type.
    min_rows: int = 0
    sort_by: str | None = None

    def column(self, key: str) -> Field | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    intro_html: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class ModuleText:
    """A module in one language."""

    title: str
    summary: str
    minutes: int
    body_html: str
    exercises: tuple[Exercise, ...]
    word_count: int

    def exercise(self, key: str) -> Exercise | None:
        return next((e for e in self.exercises if e.key == key), None)


@dataclass(frozen=True)
class Module:
    #: The file name without .md, e.g. "02-aktivitet-og-humor".
    slug: str
    #: Position in the program, from 1.
    number: int
    #: Per language; "nb" is always present.
    texts: dict[str, ModuleText]

    def text(self, locale: str) -> ModuleText:
        """The module in `locale`, else in bokmål."""
        text = in_language(self.texts, locale)
        assert text is not None  # the loader accepts no module without a bokmål file
        return text

    @property
    def minutes(self) -> int:
        return self.texts["nb"].minutes

    def field_keys(self) -> dict[str, tuple[str, ...]]:
        """Field keys per exercise key (the same in every language)."""
        return {e.key: tuple(f.key for f in e.fields) for e in self.texts["nb"].exercises}

    def options_nb(self, exercise_key: str, field_key: str,
                   column_key: str | None = None) -> tuple[str, ...]:
        """The bokmål options, which are the stored values; an English label maps by index.

        Raises KeyError for an unknown exercise, field or column; () for a field without options.
        """
        exercise = self.texts["nb"].exercise(exercise_key)
        field = exercise.field(field_key) if exercise else None
        if field is not None and column_key is not None:
            field = field.column(column_key)
        if field is None:
            raise KeyError((exercise_key, field_key, column_key))
        return field.options


@dataclass(frozen=True)
class MeasurePlan:
    code: str
    #: A subset of MEASURE_TIMES, in the order given.
    when: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    description_html: dict[str, str]
    audience: dict[str, str]
    guided: bool
    #: Youngest age that may start it (None: no limit); guided programs default to 16.
    min_age: int | None
    unlock: str
    weeks: int
    measures: tuple[MeasurePlan, ...]
    followup_months: tuple[int, ...]
    modules: tuple[Module, ...]

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    @property
    def languages(self) -> set[str]:
        """Languages in which every module has a file."""
        return set.intersection(*(set(m.texts) for m in self.modules)) if self.modules else {"nb"}


@dataclass(frozen=True)
class SessionPlan:
    number: int
    #: Weeks after the first session.
    week: int
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    homework: dict[str, str]


@dataclass(frozen=True)
class Course:
    code: str
    name: dict[str, str]
    summary: dict[str, str]
    audience: dict[str, str]
    min_age: int
    max_age: int | None
    guardian_consent_under: int | None
    session_minutes: int
    group_default: int
    group_min: int
    group_max: int
    leaders_required: int
    leader_qualification: str
    screening_measure: str | None
    outcome_measure: str | None
    sessions: tuple[SessionPlan, ...]


@dataclass(frozen=True)
class Problem:
    #: Relative to the content root, with forward slashes.
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Catalogue:
    programs: dict[str, Program]
    courses: dict[str, Course]
    problems: tuple[Problem, ...]
