"""Whose data a report covers (the actor's role) and for which period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import false, select
from sqlalchemy.sql import ColumnElement

from selfhelp.accounts.models import Role
from selfhelp.clock import OSLO
from selfhelp.courses.models import CohortLeader

#: The roles that read reports, widest first (the default scope).
REPORT_ROLES = (Role.ADMIN, Role.COURSE_LEADER, Role.GUIDE)


@dataclass(frozen=True)
class Period:
    """Local dates (Europe/Oslo), both inclusive; ``now`` is when the report is made."""

    first: date
    last: date
    now: datetime

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=OSLO).astimezone(timezone.utc)

    @property
    def end(self) -> datetime:
        """The instant just after the period (midnight after ``last``)."""
        return datetime.combine(self.last + timedelta(days=1), time(0),
                                tzinfo=OSLO).astimezone(timezone.utc)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Scope:
    """``admin``: the municipalities served; ``course_leader``: the cohorts led;
    ``guide``: the guide's own caseload."""

    role: str
    user_id: int
    municipalities: tuple[str, ...] = ()

    @classmethod
    def for_user(cls, user, role: str) -> Scope:
        if role not in REPORT_ROLES or not user.has_role(role):
            raise ValueError(role)
        return cls(role, user.id, tuple(sorted(user.municipality_codes)))

    def residents(self, user_municipality) -> ColumnElement:
        """Residents (by their municipality column) an admin's report covers."""
        if self.role == Role.ADMIN:
            return user_municipality.in_(self.municipalities)
        return false()

    def cohorts(self, cohort_id, cohort_municipality) -> ColumnElement:
        if self.role == Role.ADMIN:
            return cohort_municipality.in_(self.municipalities)
        if self.role == Role.COURSE_LEADER:
            return cohort_id.in_(select(CohortLeader.cohort_id)
                                 .where(CohortLeader.leader_id == self.user_id))
        return false()
