"""The workload report's "risk flags per owner" table against a hand-computed set: counts, how
many escalated, median hours to acknowledgement, and the <5 rule."""
from __future__ import annotations

from datetime import date, timedelta

from selfhelp.care import services as care
from selfhelp.care.services import escalate
from selfhelp.reports import services
from selfhelp.reports.scope import Period, Scope
from selfhelp.reports.suppression import display
from tests import factories
from tests.care.helpers import raise_flag
from tests.checkins.helpers import guided_resident
from tests.notifications.scenario import oslo

DAY = date(2026, 2, 10)


def _table(personas, role="admin"):
    period = Period(date(2026, 2, 1), date(2026, 2, 28), oslo(date(2026, 3, 2), 9))
    tables = services.build("workload", Scope.for_user(personas[role], role), period)
    return next(t for t in tables if t.key == "flag_owners")


def test_flags_are_counted_per_first_owner_with_escalations_and_median_time(db, personas, clock):
    # Six people in no program and no cohort: the team owns their flags. Acknowledged after
    # 1, 2, 3, 4, 5 and 6 hours: the median is 3.5 hours.
    for hours in range(1, 7):
        resident = factories.make_resident(name=f"Team {hours}")
        raised = oslo(DAY, 9)
        flag = raise_flag(db, resident, at=raised)
        care.acknowledge(personas["admin"], flag, "called", "Ringte", raised + timedelta(hours=hours))
    # One guided resident whose flag went on to the team unacknowledged.
    guided_resident(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression", at=oslo(DAY, 10))
    assert escalate(flag, oslo(DAY, 12)) is not None
    # Another municipality's flag is not in this admin's report.
    raise_flag(db, factories.make_resident(municipality=factories.OTHER_MUNICIPALITY), at=oslo(DAY, 9))
    db.commit()
    table = _table(personas)
    rows = {row[0]: [display(cell) for cell in row[1:]] for row in table.rows}
    assert rows["Teamet i kommunen"] == ["6", "6", "<5", "3,5"]
    assert rows["Veileder"] == ["<5", "<5", "<5", "<5"]  # one flag: fewer than five people
    assert rows["Alle"] == ["7", "6", "<5", "3,5"]
    escalated = {row[0]: row[3].n for row in table.rows}
    assert escalated == {"Veileder": 1, "Teamet i kommunen": 0, "Alle": 1}


def test_the_owner_table_is_for_admins_only(db, personas, clock):
    raise_flag(db, factories.make_resident(), at=oslo(DAY, 9))
    db.commit()
    assert [display(c) for c in _table(personas, "guide").rows[-1][1:]] == ["<5"] * 4
