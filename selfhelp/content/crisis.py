"""Crisis contacts, read from selfhelp/data/crisis_contacts.yaml (the one editable place)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from selfhelp.i18n import localized

DATA = Path(__file__).resolve().parent.parent / "data" / "crisis_contacts.yaml"


@dataclass(frozen=True)
class CrisisContact:
    number: str
    tel: str
    name: dict[str, str]
    when: dict[str, str]

    def name_in(self, locale: str) -> str:
        return localized(self.name, locale)

    def when_in(self, locale: str) -> str:
        return localized(self.when, locale)


@cache
def crisis_contacts() -> tuple[CrisisContact, ...]:
    rows = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(CrisisContact(str(r["number"]), str(r["tel"]), r["name"], r["when"]) for r in rows)
