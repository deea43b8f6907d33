"""What the domains tell the notification system: builders, planners and who the people are.

The notification system knows no domain. Each domain registers, from `create_app`, what it
owns (in `<domain>/notices.py`): a context builder per notice kind, its planners, and — for
accounts — how to look up a recipient. This is a plain registry object kept per app in
`app.extensions["notices"]`, not blinker signals: delivery needs exactly one builder per kind and
one answer per recipient, and a dict says so more plainly than a signal with one receiver.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import Select
from sqlalchemy.orm import Session

from selfhelp.notifications.models import Notification

#: Turns the ids stored on an outbox row into what the email templates show.
Builder = Callable[[Session, Notification, datetime], dict[str, Any]]
#: Adds the notices that are due at this instant to the outbox; returns how many are new.
Planner = Callable[[datetime], int]


@dataclass(frozen=True)
class Recipient:
    """What delivery needs to know about the person a notification is for."""

    name: str
    email: str | None
    phone: str | None
    locale: str | None
    active: bool
    #: the name of the municipality whose service writes (the resident's own, or the one a staff
    #: member serves when it is one); None when it cannot be said
    municipality: str | None = None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""


class People(Protocol):
    """The accounts' answers to the notification system (registered by selfhelp.accounts)."""

    def recipient(self, session: Session, user_id: int) -> Recipient | None:
        """The person, or None when there is no such account."""

    def served_by(self, admin: Any) -> Select:
        """A subquery of the user ids an admin looks after (for the failed-message pages)."""

    def names(self, session: Session, user_ids: set[int]) -> dict[int, str]:
        """Names by user id."""

    def ids_by_email(self, session: Session, addresses: set[str], among: Select) -> dict[str, int]:
        """User ids by (stored, lower-case) address, only for the user ids in `among`."""


@dataclass
class Registry:
    builders: dict[str, Builder] = field(default_factory=dict)
    #: Planner name -> planner, run in the order registered (the daily digest runs after them).
    planners: dict[str, Planner] = field(default_factory=dict)
    people: People | None = None

    def add_builders(self, builders: dict[str, Builder]) -> None:
        taken = builders.keys() & self.builders.keys()
        if taken:
            raise ValueError(f"notice kinds registered twice: {sorted(taken)}")
        self.builders.update(builders)

    def add_planner(self, name: str, planner: Planner) -> None:
        if name in self.planners:
            raise ValueError(f"planner registered twice: {name}")
        self.planners[name] = planner

    def set_people(self, people: People) -> None:
        self.people = people


def init_app(app: Flask) -> Registry:
    registry = app.extensions["notices"] = Registry()
    return registry


def registry() -> Registry:
    return current_app.extensions["notices"]


def people() -> People:
    found = registry().people
    if found is None:
        raise RuntimeError("no recipient lookup registered (selfhelp.accounts.notices.register)")
    return found
