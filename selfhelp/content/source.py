"""Reading YAML node by node, so every problem can name the file line it is about."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from selfhelp.content.model import Problem

LANGUAGES = ("nb", "en")
#: How problems name each language ("the English file ...").
LANGUAGE_NAMES = {"nb": "bokmål", "en": "English"}
#: The languages a module file may be translated into: NN-slug.<lang>.md beside NN-slug.md.
TRANSLATIONS = tuple(lang for lang in LANGUAGES if lang != "nb")


@dataclass(frozen=True)
class Entry:
    """A value in a mapping, with the file line of its key (where problems are reported)."""

    line: int
    node: Node


def read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """The file's text, or None after reporting why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "cannot read: the file is not UTF-8"))
    except OSError as exc:
        problems.append(Problem(rel, 1, f"cannot read: {exc.strerror or exc}"))
    return None


class Source:
    """One YAML document of one file; `first_line` is the file line the YAML starts on."""

    def __init__(self, rel: str, problems: list[Problem], first_line: int = 1) -> None:
        self.rel = rel
        self.problems = problems
        self.first_line = first_line
        self._count = len(problems)

    @property
    def ok(self) -> bool:
        """No problem was reported through this source."""
        return len(self.problems) == self._count

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + self.first_line

    def report(self, where: Node | int, message: str) -> None:
        line = where if isinstance(where, int) else self.line(where)
        self.problems.append(Problem(self.rel, line, message))

    def compose(self, text: str, what: str = "the YAML",
                empty: str = "the file is empty") -> Node | None:
        """Parse without constructing, keeping the position of every node."""
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            self.report(*self._yaml_error(exc, what))
            return None
        except yaml.YAMLError as exc:
            self.report(self.first_line, f"cannot read {what}: {exc}")
            return None
        if node is None:
            self.report(self.first_line, empty)
        return node

    def _yaml_error(self, exc: yaml.MarkedYAMLError, what: str) -> tuple[int, str]:
        # Point at the start of the broken construct (an unclosed bracket or quote), which is
        # where the mistake usually is; the parser only notices it later.
        start, found = exc.context_mark or exc.problem_mark, exc.problem_mark
        line = start.line + self.first_line if start else self.first_line
        detail = ": ".join(part for part in (exc.context, exc.problem) if part)
        if found and start and found.line != start.line:
            detail += f" (on line {found.line + self.first_line})"
        return line, f"cannot read {what}: {detail}"

    # ------------------------------------------------------------------ structure

    def mapping(self, node: Node, ctx: str, required: Iterable[str],
                optional: Iterable[str] = (), what: str | None = None) -> dict[str, Entry] | None:
        """The entries of a mapping; reports missing, unknown and duplicate keys."""
        if not isinstance(node, MappingNode):
            self.report(node, f"{ctx}{what or 'this'} must be a mapping of keys to values")
            return None
        required = tuple(required)
        allowed = required + tuple(optional)
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != "tag:yaml.org,2002:str":
                self.report(key_node, f"{ctx}keys must be plain words")
            elif key in entries:
                self.report(key_node, f"{ctx}duplicate key '{key}'")
            elif key not in allowed:
                self.report(key_node, f"{ctx}unknown key '{key}' (allowed: {', '.join(allowed)})")
            else:
                entries[key] = Entry(self.line(key_node), value_node)
        for key in required:
            if key not in entries:
                self.report(node, f"{ctx}missing '{key}'")
        return entries

    # The getters below take the entry of a key that may be absent (None): then they give None
    # without a problem, as mapping() has already reported a missing required key.

    def sequence(self, entry: Entry | None, name: str, ctx: str,
                 non_empty: bool = True) -> list[Node]:
        if entry is None:
            return []
        if not isinstance(entry.node, SequenceNode):
            self.report(entry.line, f"{ctx}'{name}' must be a list")
            return []
        if non_empty and not entry.node.value:
            self.report(entry.line, f"{ctx}'{name}' must not be empty")
        return list(entry.node.value)

    def item(self, node: Node) -> Entry:
        """A list item as an entry, so the getters can read it."""
        return Entry(self.line(node), node)

    def is_null(self, entry: Entry | None) -> bool:
        return (entry is not None and isinstance(entry.node, ScalarNode)
                and entry.node.tag == "tag:yaml.org,2002:null")

    def _scalar(self, entry: Entry, tag: str) -> object:
        # Only plain YAML types: with the tag checked first, constructing cannot fail.
        node = entry.node
        if isinstance(node, ScalarNode) and node.tag == f"tag:yaml.org,2002:{tag}":
            return SafeConstructor().construct_object(node)
        return None

    def string(self, entry: Entry | None, name: str, ctx: str) -> str | None:
        """A non-empty string (numbers and the like must be quoted, which catches slips)."""
        if entry is None:
            return None
        value = self._scalar(entry, "str")
        if not isinstance(value, str) or not value.strip():
            self.report(entry.line, f"{ctx}'{name}' must be a non-empty string")
            return None
        return value

    def integer(self, entry: Entry | None, name: str, ctx: str,
                minimum: int | None = None, nullable: bool = False) -> int | None:
        """A whole number, at least `minimum`; with `nullable`, null is fine too (None)."""
        if entry is None or (nullable and self.is_null(entry)):
            return None
        value = self._scalar(entry, "int")
        if not isinstance(value, int):
            self.report(entry.line, f"{ctx}'{name}' must be a whole number"
                                    + (" or null" if nullable else ""))
            return None
        if minimum is not None and value < minimum:
            self.report(entry.line, f"{ctx}'{name}' must be at least {minimum}, not {value}")
            return None
        return value

    def boolean(self, entry: Entry | None, name: str, ctx: str) -> bool | None:
        if entry is None:
            return None
        value = self._scalar(entry, "bool")
        if not isinstance(value, bool):
            self.report(entry.line, f"{ctx}'{name}' must be true or false")
            return None
        return value

    def choice(self, entry: Entry | None, name: str, ctx: str,
               allowed: tuple[str, ...]) -> str | None:
        value = self.string(entry, name, ctx)
        if entry is not None and value is not None and value not in allowed:
            self.report(entry.line, f"{ctx}'{name}' must be one of {', '.join(allowed)}, "
                                    f"not '{value}'")
            return None
        return value

    def text(self, entry: Entry | None, name: str, ctx: str) -> dict[str, str]:
        """A text per language, e.g. {nb: ..., en: ...}; bokmål is required."""
        if entry is None:
            return {}
        if not isinstance(entry.node, MappingNode):
            self.report(entry.line, f"{ctx}'{name}' must be a text per language, "
                                    "like {nb: \"...\", en: \"...\"}")
            return {}
        entries = self.mapping(entry.node, f"{ctx}'{name}': ", (), LANGUAGES) or {}
        texts = {lang: self.string(e, lang, f"{ctx}'{name}': ") for lang, e in entries.items()}
        if "nb" not in entries:
            self.report(entry.line, f"{ctx}'{name}': missing the 'nb' text")
        return {lang: value for lang, value in texts.items() if value is not None}
