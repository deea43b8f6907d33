"""Our own stylesheets parse as their author meant: braces balance (an unclosed media query
silently moves every later rule inside it) and no merge left its markers behind."""
from pathlib import Path

import pytest

CSS = sorted((Path(__file__).resolve().parent.parent / "static" / "css").glob("*.css"))


def unbalanced_at(text: str) -> int | None:
    """The line where a brace closes nothing, or the last line when one is never closed."""
    depth, line = 0, 1
    for char in text:
        if char == "\n":
            line += 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return line
    return line if depth else None


def test_the_check_finds_an_unclosed_and_a_stray_brace():
    assert unbalanced_at("@media (max-width: 40rem) {\n  a { color: red; }\n") == 3
    assert unbalanced_at("a { color: red; }\n}\n") == 2
    assert unbalanced_at("@media print { a { color: red; } }\n") is None


@pytest.mark.parametrize("path", CSS, ids=lambda p: p.name)
def test_each_stylesheet_is_balanced_and_free_of_merge_markers(path):
    text = path.read_text(encoding="utf-8")
    assert unbalanced_at(text) is None, f"{path.name}: unbalanced braces near line {unbalanced_at(text)}"
    assert not any(line.startswith(("<<<<<<<", "=======", ">>>>>>>")) for line in text.splitlines())
