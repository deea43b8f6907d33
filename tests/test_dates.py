"""The shared date and time formatters (selfhelp/dates.py): Oslo wall-clock time on both sides of
both daylight-saving changes, bokmål and en-GB, never seconds."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from selfhelp.dates import clock, day, day_short, when, when_short


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("instant, nb, en", [
    # Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
    (utc(2026, 3, 29, 0, 30), "søndag 29. mars 2026 kl. 01.30", "Sunday 29 March 2026, 01:30"),
    (utc(2026, 3, 29, 1, 30), "søndag 29. mars 2026 kl. 03.30", "Sunday 29 March 2026, 03:30"),
    # Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02.30 happens twice.
    (utc(2026, 10, 25, 0, 30), "søndag 25. oktober 2026 kl. 02.30", "Sunday 25 October 2026, 02:30"),
    (utc(2026, 10, 25, 1, 30), "søndag 25. oktober 2026 kl. 02.30", "Sunday 25 October 2026, 02:30"),
    (utc(2026, 10, 25, 2, 30), "søndag 25. oktober 2026 kl. 03.30", "Sunday 25 October 2026, 03:30"),
    # An evening in UTC that is already the next day in Oslo.
    (utc(2026, 12, 31, 23, 15), "fredag 1. januar 2027 kl. 00.15", "Friday 1 January 2027, 00:15"),
])
def test_an_instant_is_said_as_oslo_wall_clock_time_across_both_changes(instant, nb, en):
    assert when(instant, "nb") == nb
    assert when(instant, "en") == en


def test_a_naive_datetime_is_taken_as_utc_as_stored():
    assert when(datetime(2026, 6, 1, 14, 0), "nb") == "mandag 1. juni 2026 kl. 16.00"


def test_short_forms_and_calendar_dates():
    instant = utc(2026, 12, 4, 15, 0)
    assert when_short(instant, "nb") == "4. des. 2026 kl. 16.00"
    assert when_short(instant, "en") == "4 Dec 2026, 16:00"
    assert day(date(2026, 12, 4), "nb") == "fredag 4. desember 2026"
    assert day_short(date(2026, 12, 4), "en") == "4 Dec 2026"
    assert day(utc(2026, 12, 31, 23, 30), "nb") == "fredag 1. januar 2027"  # the Oslo date


def test_a_wall_clock_time_is_shown_as_it_is_and_never_with_seconds():
    assert clock(time(18, 0, 59), "nb") == "18.00"
    assert clock(time(9, 5), "en") == "09:05"
    assert when(utc(2026, 12, 4, 15, 0, 59), "en") == "Friday 4 December 2026, 16:00"


def test_nothing_is_an_empty_text_and_english_variants_are_english():
    assert when(None) == "" and day(None) == "" and clock(None) == ""
    assert day_short(date(2026, 5, 17), "en-US") == "17 May 2026"  # en-GB style, never US
    assert day_short(date(2026, 5, 17), "nn") == "17. mai 2026"  # other languages read bokmål
