"""Admins see a banner on their pages when no scheduler ran for ten minutes or sends fail."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from selfhelp.notifications.models import Notification
from selfhelp.operations.queries import BANNER_FAILED_SENDS, BANNER_SCHEDULER_SILENT
from tests.operations.helpers import beat

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BANNER = "data-operations-banner"


def _page(as_persona, persona="admin", path="/admin/staff") -> str:
    return as_persona(persona).get(path).get_data(as_text=True)


def _failed(db, personas, count, created=NOW - timedelta(hours=1)):
    for n in range(count):
        db.add(Notification(recipient_id=personas["resident"].id, kind="new_message",
                            occurrence=f"f{n}", channel="email", created_at=created,
                            due_at=created, state="failed", attempts=5))
    db.commit()


def test_no_banner_while_the_scheduler_runs_and_few_sends_fail(db, personas, as_persona, clock):
    beat(NOW - timedelta(minutes=1))
    _failed(db, personas, BANNER_FAILED_SENDS - 1)
    assert BANNER not in _page(as_persona)


def test_the_banner_says_when_the_scheduler_last_ran(db, personas, as_persona, clock):
    beat(NOW - BANNER_SCHEDULER_SILENT - timedelta(minutes=1))
    html = _page(as_persona)
    assert BANNER in html and "Planleggeren har ikke kjørt siden" in html
    assert "kunne ikke sendes" not in html


def test_the_banner_says_when_no_scheduler_ever_ran(db, personas, as_persona, clock):
    html = _page(as_persona, path="/dashboard")
    assert BANNER in html and "Planleggeren har aldri kjørt" in html


def test_the_banner_counts_failed_sends_of_the_last_day(db, personas, as_persona, clock):
    beat(NOW)
    _failed(db, personas, BANNER_FAILED_SENDS)
    html = _page(as_persona)
    assert BANNER in html and f"{BANNER_FAILED_SENDS} meldinger kunne ikke sendes" in html
    assert "/admin/notifications" in html


def test_failed_sends_older_than_a_day_do_not_count(db, personas, as_persona, clock):
    beat(NOW)
    _failed(db, personas, BANNER_FAILED_SENDS, created=NOW - timedelta(days=2))
    assert BANNER not in _page(as_persona)


@pytest.mark.parametrize("persona", ["guide", "course_leader", "resident"])
def test_only_admins_see_the_banner(db, personas, as_persona, clock, persona):
    assert BANNER not in _page(as_persona, persona, "/dashboard")
