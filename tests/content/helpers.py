"""Build content trees from the fixtures and load them.

fixtures/base/ is a small valid tree (programs `demo` with English and `mini`, courses KiD and DU).
fixtures/<case>/ holds only the files a case changes or adds; `tree(case)` copies base, lays the
case over it and replaces each `[[filler]]` line with enough words for the 600-word rule, so the
fixture files themselves stay short.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from selfhelp.content import Catalogue, load_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
KNOWN_MEASURES = {"PHQ-9", "GAD-7", "WHO-5"}
FILLER_MARK = "[[filler]]"


def filler(words: int = 600) -> str:
    """Body text of at least `words` words, in short paragraphs."""
    sentence = "Du kan ta ett lite steg om gangen og se hva som skjer etterpå."  # 14 words
    paragraphs = -(-words // 42)
    return "\n\n".join(" ".join([sentence] * 3) for _ in range(paragraphs))


def tree(tmp_path: Path, case: str | None = None) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "base", root)
    if case is not None:
        assert (FIXTURES / case).is_dir(), f"no fixture {case}"
        shutil.copytree(FIXTURES / case, root, dirs_exist_ok=True)
    for path in root.rglob("*.md"):
        data = path.read_bytes()
        if FILLER_MARK.encode() in data:
            path.write_bytes(data.replace(FILLER_MARK.encode(), filler().encode()))
    return root


def load(tmp_path: Path, case: str | None = None) -> Catalogue:
    return load_catalogue(tree(tmp_path, case), KNOWN_MEASURES)


def problems(tmp_path: Path, case: str | None = None) -> list[str]:
    """The problems found in base + case, as `path:line: message`."""
    return [str(p) for p in load(tmp_path, case).problems]
