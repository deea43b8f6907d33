"""Every user-facing string has an English translation with the same placeholders."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None, "_l": None,
                                                          "lazy_gettext": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_code_and_templates_is_translated_to_english():
    with (ROOT / "selfhelp/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [m for m in sorted(_source_messages()) if not (catalog.get(m) and catalog.get(m).string)]
    assert not missing, "run scripts/update-translations and translate:\n" + "\n".join(missing)
    def placeholders(text) -> list[str]:  # plural forms are tuples: all forms together
        return sorted(set(PLACEHOLDER.findall(" ".join(text) if isinstance(text, tuple) else text)))

    wrong = [m.id for m in catalog if m.id and m.string
             and placeholders(m.id) != placeholders(m.string)]
    assert not wrong, f"placeholders differ: {wrong}"
