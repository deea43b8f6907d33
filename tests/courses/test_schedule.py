"""Session dates of cohorts: weekly rhythm, DST, Norwegian public holidays and skipped weeks."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings, strategies as st

from selfhelp import clock as clock_module
from selfhelp.clock import OSLO, holiday_name
from selfhelp.content import get_catalogue
from selfhelp.content.model import Course
from selfhelp.courses.schedule import PlannedSession, generate_sessions, move_session, wall_clock

SIX_PM = time(18, 0)


def course(code: str) -> Course:
    return get_catalogue().courses[code]


def dates(sessions: list[PlannedSession]) -> list[str]:
    return [s.local_date.isoformat() for s in sessions]


def d(text: str) -> date:
    return date.fromisoformat(text)


# ---------------------------------------------------------------- the plain plan

def test_kid_from_tuesday_1_september_2026_follows_the_course_file():
    sessions = generate_sessions(course("KiD"), d("2026-09-01"), SIX_PM)

    assert [s.number for s in sessions] == list(range(1, 11))
    assert [s.kind for s in sessions] == ["weekly"] * 8 + ["followup"] * 2
    assert dates(sessions) == ["2026-09-01", "2026-09-08", "2026-09-15", "2026-09-22", "2026-09-29",
                               "2026-10-06", "2026-10-13", "2026-10-20", "2026-11-17", "2026-12-15"]
    assert all(s.local_date.weekday() == 1 for s in sessions)  # Tuesdays
    assert all(s.local_start.time() == SIX_PM and s.minutes == 150 for s in sessions)
    assert all(s.moved_from is None and s.skipped == () for s in sessions)


@pytest.mark.parametrize("code, first, weeks, last_three, minutes", [
    # KiB: follow-ups 4 weeks apart; DU: the 9th and 10th session 3 weeks apart.
    ("KiB", "2026-08-31", [11, 15], ["2026-10-19", "2026-11-16", "2026-12-14"], 150),
    ("DU", "2026-09-02", [10, 13], ["2026-10-21", "2026-11-11", "2026-12-02"], 90),
])
def test_follow_ups_keep_the_distances_in_the_course_file(code, first, weeks, last_three, minutes):
    assert [p.week for p in course(code).sessions] == [0, 1, 2, 3, 4, 5, 6, 7, *weeks]
    sessions = generate_sessions(course(code), d(first), time(16, 30))

    assert dates(sessions)[7:] == last_three
    assert {s.minutes for s in sessions} == {minutes}
    assert [s.kind for s in sessions].count("followup") == 2


# ---------------------------------------------------------------- daylight-saving time

@pytest.mark.parametrize("first, before, after, utc_hours", [
    ("2026-10-06", 2, 3, (16, 17)),  # 20 Oct in CEST, 27 Oct in CET: clocks go back on 25 Oct
    ("2026-03-17", 1, 2, (17, 16)),  # 24 Mar in CET, 31 Mar in CEST: clocks go forward on 29 Mar
], ids=["October", "March"])
def test_an_18_oclock_cohort_stays_at_18_across_a_dst_change(first, before, after, utc_hours):
    sessions = generate_sessions(course("KiD"), d(first), SIX_PM)
    earlier, later = sessions[before], sessions[after]

    assert [s.local_start.time() for s in sessions] == [SIX_PM] * 10
    assert (earlier.starts_at.hour, later.starts_at.hour) == utc_hours
    assert later.starts_at - earlier.starts_at == timedelta(
        weeks=1, hours=utc_hours[1] - utc_hours[0])
    assert {wall_clock(s.ends_at).time() for s in sessions} == {time(20, 30)}
    assert all(s.ends_at - s.starts_at == timedelta(minutes=150) for s in sessions)


def test_a_session_is_its_length_on_the_wall_clock_even_over_the_change_night():
    # Leaders may move a session anywhere; the end is start + minutes on the local clock.
    night = move_session(generate_sessions(course("KiD"), d("2026-10-06"), SIX_PM)[0],
                         d("2026-10-25"), time(1, 0))

    assert wall_clock(night.ends_at) - night.local_start == timedelta(minutes=150)
    assert wall_clock(night.ends_at).time() == time(3, 30)
    assert night.ends_at - night.starts_at == timedelta(minutes=210)  # one extra hour at 03:00


def test_instants_are_utc_and_wall_clock_converts_any_aware_instant():
    session = generate_sessions(course("DU"), d("2026-06-03"), time(15, 0))[0]
    assert (session.starts_at.tzinfo, session.local_start.tzinfo) == (timezone.utc, OSLO)
    assert session.ends_at == datetime(2026, 6, 3, 14, 30, tzinfo=timezone.utc)

    new_york = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    assert wall_clock(new_york) == datetime(2026, 12, 1, 18, 0, tzinfo=OSLO)
    assert wall_clock(new_york).tzinfo == OSLO
    with pytest.raises(ValueError):
        wall_clock(datetime(2026, 7, 1, 16))


# ---------------------------------------------------------------- public holidays

def test_ascension_day_moves_that_session_and_all_later_ones_a_week():
    sessions = generate_sessions(course("KiD"), d("2026-04-16"), SIX_PM)  # Thursdays

    assert dates(sessions) == ["2026-04-16", "2026-04-23", "2026-04-30", "2026-05-07", "2026-05-21",
                               "2026-05-28", "2026-06-04", "2026-06-11", "2026-07-09", "2026-08-06"]
    assert [s.moved_from for s in sessions[:5]] == [None] * 4 + [d("2026-05-14")]
    assert sessions[4].skipped == ((d("2026-05-14"), "Kristi himmelfartsdag"),)
    assert sessions[5].moved_from == d("2026-05-21") and sessions[5].skipped == ()
    assert sessions[9].moved_from == d("2026-07-30")


def test_easter_monday_and_whit_monday_each_cost_a_monday_cohort_one_week():
    sessions = generate_sessions(course("KiD"), d("2026-03-30"), SIX_PM)

    assert dates(sessions) == ["2026-03-30", "2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04",
                               "2026-05-11", "2026-05-18", "2026-06-01", "2026-06-29", "2026-07-27"]
    assert sessions[1].skipped == ((d("2026-04-06"), "Andre påskedag"),)
    assert sessions[7].skipped == ((d("2026-05-25"), "Andre pinsedag"),)
    # moved_from is the date in the course plan before any shift: week 7 after 30 March.
    assert sessions[7].moved_from == d("2026-05-18")


HOLIDAY_CASES = {
    # name: (course, first date, session index, its date, skipped on the way)
    "Constitution Day 2027 is also Whit Monday": (
        "KiB", "2027-05-03", 2, "2027-05-24", [("2027-05-17", "Andre pinsedag; Grunnlovsdag")]),
    "Christmas Day, then New Year's Day": (
        "KiD", "2026-11-27", 4, "2027-01-08",
        [("2026-12-25", "Første juledag"), ("2027-01-01", "Første nyttårsdag")]),
    "the first date is a holiday": (
        "DU", "2026-04-06", 0, "2026-04-13", [("2026-04-06", "Andre påskedag")]),
    "only a follow-up hits a holiday": (
        "KiB", "2026-09-18", 9, "2027-01-08", [("2027-01-01", "Første nyttårsdag")]),
    "Easter Sunday": ("DU", "2026-03-29", 1, "2026-04-12", [("2026-04-05", "Første påskedag")]),
    "17 May on a Sunday, then Whit Sunday": (
        "DU", "2026-03-29", 6, "2026-05-31",
        [("2026-05-17", "Grunnlovsdag"), ("2026-05-24", "Første pinsedag")]),
}


@pytest.mark.parametrize("code, first, index, expected, skipped",
                         HOLIDAY_CASES.values(), ids=HOLIDAY_CASES.keys())
def test_a_session_on_a_public_holiday_moves_a_week_at_a_time(code, first, index, expected,
                                                                 skipped):
    plan = course(code)
    sessions = generate_sessions(plan, d(first), SIX_PM)
    session = sessions[index]

    assert session.local_date == d(expected)
    assert session.skipped == tuple((d(day), reason) for day, reason in skipped)
    assert session.moved_from == d(first) + timedelta(weeks=plan.sessions[index].week)
    for later, later_plan in zip(sessions[index + 1:], plan.sessions[index + 1:]):
        # Every later session keeps at least the shift, so rhythm and order are kept.
        assert later.moved_from == d(first) + timedelta(weeks=later_plan.week)
        assert later.local_date - later.moved_from >= timedelta(weeks=len(skipped))


@pytest.mark.parametrize("sundays_listed", [False, True], ids=["package", "every Sunday listed"])
def test_plain_sundays_and_christmas_and_new_years_eve_are_no_holidays(monkeypatch,
                                                                        sundays_listed):
    if sundays_listed:  # as some package versions ship it: every Sunday a holiday, "Søndag"
        real = holidays.country_holidays
        monkeypatch.setattr(clock_module.holidays, "country_holidays", lambda country, **kw: real(
            country, **{**kw, "include_sundays": True}))
    clock_module._norwegian_holidays.cache_clear()
    try:
        assert (holiday_name(d("2026-09-06")), holiday_name(d("2026-04-05"))) == (
            None, "Første påskedag")
        sundays = generate_sessions(course("DU"), d("2026-09-06"), time(12, 0))
        thursdays = generate_sessions(course("DU"), d("2026-12-10"), SIX_PM)
    finally:
        clock_module._norwegian_holidays.cache_clear()
    assert dates(thursdays)[2:4] == ["2026-12-24", "2026-12-31"]
    assert all(s.moved_from is None for s in sundays + thursdays)


# ---------------------------------------------------------------- weeks the leader removed

@pytest.mark.parametrize("any_day", [d("2026-09-28") + timedelta(days=n) for n in range(7)])
def test_any_date_in_the_autumn_holiday_week_removes_the_whole_week(any_day):
    sessions = generate_sessions(course("KiD"), d("2026-09-01"), SIX_PM, skip_dates=[any_day])

    assert (sessions[4].local_date, sessions[4].moved_from) == (d("2026-10-06"), d("2026-09-29"))
    assert sessions[4].skipped == ((d("2026-09-29"), "skipped_week"),)
    assert dates(sessions)[-2:] == ["2026-11-24", "2026-12-22"]


def test_two_skipped_weeks_and_a_week_without_sessions():
    sessions = generate_sessions(
        course("KiD"), d("2026-09-01"), SIX_PM,
        skip_dates=[d("2026-10-02"), d("2026-10-11"), d("2026-11-04")])  # weeks 40, 41, 45

    assert sessions[4].skipped == ((d("2026-09-29"), "skipped_week"),
                                   (d("2026-10-06"), "skipped_week"))
    # Session 8 is pushed into week 45 by the earlier shift and is checked again there.
    assert dates(sessions)[4:] == ["2026-10-13", "2026-10-20", "2026-10-27",
                                   "2026-11-10", "2026-12-08", "2027-01-05"]
    assert sessions[7].skipped == ((d("2026-11-03"), "skipped_week"),)


def test_a_skip_date_in_the_new_year_removes_iso_week_53_of_the_old_year():
    # 1 January 2027 is in ISO week 53 of 2026, together with Tuesday 29 December.
    kid = generate_sessions(course("KiD"), d("2026-12-01"), SIX_PM, skip_dates=[d("2027-01-01")])
    assert (kid[4].local_date, kid[4].skipped) == (d("2027-01-05"),
                                                   ((d("2026-12-29"), "skipped_week"),))


def test_extra_holidays_remove_only_that_day():
    sessions = generate_sessions(course("DU"), d("2026-09-01"), SIX_PM,
                                 extra_holidays=[d("2026-09-15"), d("2026-09-23")])

    assert sessions[2].skipped == ((d("2026-09-15"), "extra_holiday"),)
    assert dates(sessions)[:4] == ["2026-09-01", "2026-09-08", "2026-09-22", "2026-09-29"]


def test_unplaceable_cohorts_and_zoned_start_times_are_refused():
    every_week = [d("2026-09-01") + timedelta(weeks=n) for n in range(200)]
    with pytest.raises(ValueError):
        generate_sessions(course("KiD"), d("2026-09-01"), SIX_PM, skip_dates=every_week)
    with pytest.raises(ValueError):
        generate_sessions(course("KiD"), d("2026-09-01"), time(18, tzinfo=timezone.utc))


# ---------------------------------------------------------------- moving one session

def test_moving_a_session_over_the_dst_change_keeps_local_time():
    session = generate_sessions(course("KiD"), d("2026-10-06"), SIX_PM)[2]  # 20 Oct, CEST
    moved = move_session(session, d("2026-10-29"), time(17, 0))

    assert moved.moved_from == d("2026-10-20")
    assert moved.local_start == datetime(2026, 10, 29, 17, 0, tzinfo=OSLO)
    assert moved.starts_at == datetime(2026, 10, 29, 16, 0, tzinfo=timezone.utc)
    assert wall_clock(moved.ends_at).time() == time(19, 30)
    assert (moved.number, moved.kind, moved.minutes) == (3, "weekly", 150)
    assert session.local_date == d("2026-10-20")  # the original is untouched


def test_moving_a_shifted_session_forgets_the_holiday_skip_and_refuses_zoned_times():
    shifted = generate_sessions(course("KiD"), d("2026-04-16"), SIX_PM)[4]
    assert move_session(shifted, d("2026-05-19"), SIX_PM).skipped == ()
    with pytest.raises(ValueError):
        move_session(shifted, d("2026-05-19"), time(18, tzinfo=OSLO))


# ---------------------------------------------------------------- properties

@settings(max_examples=150, deadline=None)
@given(code=st.sampled_from(["KiD", "KiB", "DU"]),
       first=st.dates(min_value=date(2025, 1, 1), max_value=date(2032, 12, 31)),
       start=st.times(min_value=time(8), max_value=time(21)).map(
           lambda t: t.replace(microsecond=0)),
       skipped=st.lists(st.integers(min_value=0, max_value=20), max_size=4))
def test_every_plan_keeps_weekday_order_time_and_distances(code, first, start, skipped):
    plan = course(code)
    sessions = generate_sessions(plan, first, start,
                                 skip_dates=[first + timedelta(weeks=w) for w in skipped])
    weeks = [p.week for p in sorted(plan.sessions, key=lambda p: p.number)]

    assert len(sessions) == len(plan.sessions)
    assert all(s.local_date.weekday() == first.weekday() for s in sessions)
    assert all(s.local_start.time() == start for s in sessions)
    assert all(holiday_name(s.local_date) is None for s in sessions)
    removed = {(first + timedelta(weeks=w)).isocalendar()[:2] for w in skipped}
    assert all(s.local_date.isocalendar()[:2] not in removed for s in sessions)
    gaps = [b - a for a, b in zip(weeks, weeks[1:])]
    for earlier, later, gap in zip(sessions, sessions[1:], gaps):
        assert later.local_date - earlier.local_date >= timedelta(weeks=gap)
    for s, week in zip(sessions, weeks):
        nominal = first + timedelta(weeks=week)
        assert s.moved_from == (nominal if s.local_date != nominal else None)
