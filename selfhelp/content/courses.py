"""A group course: courses/<code>.yaml."""
from __future__ import annotations

from pathlib import Path

from yaml.nodes import Node

from selfhelp.content.model import (COURSE_CODES, LEADER_QUALIFICATIONS, SESSION_KINDS, Course,
                                    Problem, SessionPlan)
from selfhelp.content.source import Entry, Source, read_text

TEXTS = ("name", "summary", "audience")
KEYS = ("code", *TEXTS, "min_age", "max_age", "guardian_consent_under", "session_minutes",
        "group_size", "leaders_required", "leader_qualification", "screening_measure",
        "outcome_measure", "sessions")
SESSION_KEYS = ("number", "week", "kind", "title", "summary", "homework")


def load_course(path: Path, root: Path, known_measures: set[str],
                problems: list[Problem]) -> Course | None:
    """The course in `path`, or None if anything about it is wrong (all reported)."""
    count = len(problems)
    rel = path.relative_to(root).as_posix()
    content = read_text(path, rel, problems)
    src = Source(rel, problems)
    node = src.compose(content) if content is not None else None
    entries = src.mapping(node, "", KEYS, what="the file") if node is not None else None
    if entries is None:
        return None
    e = entries.get
    code = src.choice(e("code"), "code", "", COURSE_CODES)
    if code is not None and path.name != f"{code.lower()}.yaml":
        src.report(entries["code"].line,
                   f"'code' is '{code}', so the file must be named {code.lower()}.yaml")
    texts = {key: src.text(e(key), key, "") for key in TEXTS}
    min_age = src.integer(e("min_age"), "min_age", "", 0)
    max_age = src.integer(e("max_age"), "max_age", "", 0, nullable=True)
    if min_age is not None and max_age is not None and max_age < min_age:
        src.report(entries["max_age"].line,
                   f"'max_age' ({max_age}) must not be below 'min_age' ({min_age})")
    consent = src.integer(e("guardian_consent_under"), "guardian_consent_under", "", 0,
                          nullable=True)
    if min_age is not None and consent is not None and consent <= min_age:
        src.report(entries["guardian_consent_under"].line,
                   f"'guardian_consent_under' ({consent}) must be above 'min_age' ({min_age}), "
                   "or no applicant would need consent")
    minutes = src.integer(e("session_minutes"), "session_minutes", "", 1)
    group = _group_size(src, e("group_size"))
    leaders = src.integer(e("leaders_required"), "leaders_required", "", 1)
    qualification = src.choice(e("leader_qualification"), "leader_qualification", "",
                               LEADER_QUALIFICATIONS)
    screening = _measure(src, e("screening_measure"), "screening_measure", known_measures)
    outcome = _measure(src, e("outcome_measure"), "outcome_measure", known_measures)
    sessions = _sessions(src, e("sessions"))
    if len(problems) > count:
        return None
    return Course(code=code or "", name=texts["name"], summary=texts["summary"],
                  audience=texts["audience"], min_age=min_age or 0, max_age=max_age,
                  guardian_consent_under=consent, session_minutes=minutes or 0,
                  group_default=group[0], group_min=group[1], group_max=group[2],
                  leaders_required=leaders or 0, leader_qualification=qualification or "",
                  screening_measure=screening, outcome_measure=outcome, sessions=sessions)


def _measure(src: Source, entry: Entry | None, name: str, known: set[str]) -> str | None:
    if entry is None or src.is_null(entry):
        return None
    code = src.string(entry, name, "")
    if code is not None and code not in known:
        src.report(entry.line, f"'{name}': unknown measure code '{code}' "
                               f"(known: {', '.join(sorted(known)) or 'none'})")
    return code


def _group_size(src: Source, entry: Entry | None) -> tuple[int, int, int]:
    if entry is None:
        return (0, 0, 0)
    ctx = "'group_size': "
    entries = src.mapping(entry.node, ctx, ("default", "min", "max"))
    if entries is None:
        return (0, 0, 0)
    default, low, high = (src.integer(entries.get(key), key, ctx, 1)
                          for key in ("default", "min", "max"))
    if default is None or low is None or high is None:
        return (0, 0, 0)
    if not low <= default <= high:
        src.report(entry.line, f"{ctx}needs min <= default <= max, not min {low}, "
                               f"default {default}, max {high}")
    return (default, low, high)


def _sessions(src: Source, entry: Entry | None) -> tuple[SessionPlan, ...]:
    if entry is None:
        return ()
    sessions: list[SessionPlan] = []
    for index, node in enumerate(src.sequence(entry, "sessions", ""), start=1):
        session = _session(src, node, index, sessions[-1] if sessions else None)
        if session is not None:
            sessions.append(session)
    return tuple(sessions)


def _session(src: Source, node: Node, index: int,
             previous: SessionPlan | None) -> SessionPlan | None:
    ctx = f"session {index}: "
    entries = src.mapping(node, ctx, SESSION_KEYS)
    if entries is None:
        return None
    number = src.integer(entries.get("number"), "number", ctx)
    if number is not None and number != index:
        src.report(entries["number"].line, f"{ctx}'number' must be {index} (sessions are "
                                           "numbered 1, 2, 3 ... in order)")
    week = src.integer(entries.get("week"), "week", ctx, 0)
    if week is not None and previous is not None and week <= previous.week:
        src.report(entries["week"].line, f"{ctx}'week' ({week}) must be after the week of "
                                         f"the session before ({previous.week})")
    kind = src.choice(entries.get("kind"), "kind", ctx, SESSION_KINDS)
    if kind == "weekly" and previous is not None and previous.kind == "followup":
        src.report(entries["kind"].line, f"{ctx}a weekly session cannot come after a "
                                         "follow-up session")
    texts = {key: src.text(entries.get(key), key, ctx) for key in SESSION_KEYS[3:]}
    if number is None or week is None or kind is None or not all(texts.values()):
        return None
    return SessionPlan(number=number, week=week, kind=kind, title=texts["title"],
                       summary=texts["summary"], homework=texts["homework"])
