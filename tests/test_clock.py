"""Time in Oslo: the date today, years back, and working days (weekends and Norwegian public
holidays do not count)."""
from datetime import date, datetime, timezone

import pytest

from selfhelp.clock import OSLO, escalation_due, feedback_due, is_working_day, today, years_before


def _oslo(*args):
    return datetime(*args, tzinfo=OSLO)


@pytest.mark.parametrize("sent, days, due", [
    (_oslo(2026, 3, 2, 10), 2, _oslo(2026, 3, 4, 16)),      # Monday -> Wednesday
    (_oslo(2026, 3, 6, 20), 2, _oslo(2026, 3, 10, 16)),     # Friday evening -> Tuesday
    (_oslo(2026, 3, 7, 12), 1, _oslo(2026, 3, 9, 16)),      # Saturday -> Monday
    (_oslo(2026, 5, 13, 9), 2, _oslo(2026, 5, 18, 16)),     # Ascension Day (Thu 14 May) skipped
    (_oslo(2026, 4, 1, 9), 2, _oslo(2026, 4, 8, 16)),       # Easter: 2, 3 and 6 April skipped
    (_oslo(2026, 12, 23, 9), 2, _oslo(2026, 12, 28, 16)),   # 24th is worked; 25th is a holiday
    (_oslo(2027, 5, 14, 9), 1, _oslo(2027, 5, 18, 16)),     # 17 May 2027 (Monday) skipped
])
def test_feedback_is_due_at_the_end_of_the_nth_working_day(sent, days, due):
    assert feedback_due(sent, days) == due


def test_due_times_are_oslo_wall_clock_across_the_autumn_clock_change():
    due = feedback_due(_oslo(2026, 10, 23, 12), 1)  # Friday before the change on Sunday 25 Oct
    assert due == _oslo(2026, 10, 26, 16)
    assert due.utcoffset().total_seconds() == 3600  # winter time by then


@pytest.mark.parametrize("raised, due", [
    (_oslo(2026, 3, 2, 10, 0), _oslo(2026, 3, 2, 11, 0)),    # working hours: one hour later
    (_oslo(2026, 3, 2, 15, 30), _oslo(2026, 3, 3, 8, 30)),   # runs over the end of the day
    (_oslo(2026, 3, 2, 6, 0), _oslo(2026, 3, 2, 8, 0)),      # before work: the day's start
    (_oslo(2026, 3, 2, 22, 0), _oslo(2026, 3, 3, 8, 0)),     # evening: next working day's start
    (_oslo(2026, 3, 7, 12, 0), _oslo(2026, 3, 9, 8, 0)),     # Saturday: Monday morning
    (_oslo(2026, 4, 1, 15, 30), _oslo(2026, 4, 7, 8, 30)),   # Wednesday before Easter
])
def test_an_unacknowledged_flag_escalates_after_one_working_hour_or_next_morning(raised, due):
    assert escalation_due(raised) == due


def test_today_is_the_date_in_oslo_not_on_the_server(clock):
    clock.move_to(datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc))  # 00:30 on 3 March in Oslo
    assert today() == date(2026, 3, 3)


@pytest.mark.parametrize("value, years, earlier", [
    (date(2024, 2, 29), 1, date(2023, 2, 28)),
    (date(2024, 2, 29), 4, date(2020, 2, 29)),
    (date(2026, 3, 1), 10, date(2016, 3, 1)),
    (datetime(2036, 2, 29, 9, 0, tzinfo=timezone.utc), 10, datetime(2026, 2, 28, 9, 0, tzinfo=timezone.utc)),
])
def test_years_before_turns_29_february_into_28_february(value, years, earlier):
    assert years_before(value, years) == earlier


def test_weekends_and_named_holidays_are_not_worked_but_christmas_eve_is():
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 5, 14))  # Ascension Day
    assert is_working_day(date(2026, 12, 24)) and not is_working_day(date(2026, 12, 25))
