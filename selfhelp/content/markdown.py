"""Markdown rendering and the checks on module bodies."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

# html=False: raw HTML in content is shown escaped, never passed through to the page.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_md.enable("table")
# Only used to find raw HTML, so the check can say where it is.
_md_html = MarkdownIt("commonmark", {"html": True}).enable("table")

_LINE_MARKUP = re.compile(r"^\s*(?:#{1,6}\s|>\s?|[-*+]\s|\d+[.)]\s|\|)?")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]", re.UNICODE)


def render(text: str) -> str:
    return str(_md.render(text))


def word_count(source: str) -> int:
    """Words in Markdown source: list markers, heading marks, link targets etc. do not count."""
    count = 0
    for line in source.splitlines():
        line = _LINK_TARGET.sub("]", _LINE_MARKUP.sub("", line, count=1))
        count += sum(1 for token in line.split() if _WORD.search(token))
    return count


def h1_lines(source: str) -> list[int]:
    """0-based source lines of level-1 headings (`# x` or underlined with ===)."""
    return [t.map[0] for t in _md.parse(source)
            if t.type == "heading_open" and t.tag == "h1" and t.map]


def raw_html_lines(source: str) -> list[int]:
    """0-based source lines holding raw HTML, which would be shown to the reader as text."""
    lines: list[int] = []
    for token in _md_html.parse(source):
        inline_html = token.type == "inline" and any(
            child.type == "html_inline" for child in token.children or ())
        if token.map and (token.type == "html_block" or inline_html):
            lines.append(token.map[0])
    return lines
