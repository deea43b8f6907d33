"""iCalendar feeds of course sessions, checked by parsing them back with icalendar."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar

from selfhelp.clock import OSLO
from selfhelp.content import get_catalogue
from selfhelp.courses.ical import CalendarEvent, build_calendar
from selfhelp.courses.schedule import generate_sessions, move_session

NOW = datetime(2026, 9, 1, 8, 30, tzinfo=timezone.utc)
SPECIAL = "Rom 3, 2. etasje; inngang B\nTa med boka – æøå ÆØÅ \\ «sitat»"


def kid_events(first: date = date(2026, 10, 6), **overrides) -> list[CalendarEvent]:
    """KiD sessions at 18:00 from `first` (by default across the October DST change)."""
    sessions = generate_sessions(get_catalogue().courses["KiD"], first, time(18, 0))
    return [replace(CalendarEvent(
        uid=f"cohort-7-session-{s.number}@selfhelp", sequence=0, starts_at=s.starts_at,
        ends_at=s.ends_at, summary=f"KiD, samling {s.number}", location="Helsehuset, Oslo",
        description="Ta med kursboka.", url=f"https://selfhelp.example/kurs/7#s{s.number}",
        cancelled=False, last_modified=NOW - timedelta(days=2)), **overrides)
        for s in sessions]


def parse(feed: bytes) -> Calendar:
    return Calendar.from_ical(feed)


def test_the_calendar_announces_itself():
    calendar = parse(build_calendar("KiD høst 2026", kid_events(), NOW))

    assert str(calendar["PRODID"]) == "-//selfhelp//courses//NO"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "KiD høst 2026"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Oslo"
    assert len(calendar.events) == 10


def test_the_vtimezone_for_oslo_alone_gives_every_session_its_offset():
    # Sessions from December 2026 to March 2027, read with the feed's own VTIMEZONE rather than
    # the TZID looked up in the tz database, as a calendar app without one would.
    events = kid_events(date(2026, 12, 1)) + kid_events(date(2026, 9, 1))
    feed = build_calendar("KiD", events, NOW)
    calendar = parse(feed)

    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Oslo"
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    own = zone.to_tz(lookup_tzid=False)
    for event in calendar.events:
        local = event.decoded("DTSTART").replace(tzinfo=None)
        assert local.replace(tzinfo=own).utcoffset() == local.replace(tzinfo=OSLO).utcoffset()
    assert calendar.get_missing_tzids() == set()
    assert feed.index(b"BEGIN:VTIMEZONE") < feed.index(b"BEGIN:VEVENT")


def test_every_session_starts_at_18_oslo_time_with_a_tzid():
    feed = build_calendar("KiD", kid_events(), NOW)

    for event in parse(feed).events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo.key == "Europe/Oslo"
        assert (start.time(), end.time()) == (time(18, 0), time(20, 30))
        assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert b"DTSTART;TZID=Europe/Oslo:20261020T180000" in feed
    assert b"DTSTART;TZID=Europe/Oslo:20261027T180000" in feed


def test_18_oclock_across_the_dst_change_is_the_right_utc_instant():
    events = parse(build_calendar("KiD", kid_events(), NOW)).events
    utc = {e.decoded("DTSTART").date(): e.decoded("DTSTART").astimezone(timezone.utc)
           for e in events}

    assert utc[date(2026, 10, 20)] == datetime(2026, 10, 20, 16, 0, tzinfo=timezone.utc)
    assert utc[date(2026, 10, 27)] == datetime(2026, 10, 27, 17, 0, tzinfo=timezone.utc)
    assert [e.decoded("DTEND") - e.decoded("DTSTART") for e in events] == [
        timedelta(minutes=150)] * 10


def test_two_builds_of_the_same_sessions_are_identical():
    first = build_calendar("KiD", kid_events(), NOW)
    again = build_calendar("KiD", kid_events(), NOW)

    assert first == again
    assert [str(e["UID"]) for e in parse(first).events] == [
        f"cohort-7-session-{n}@selfhelp" for n in range(1, 11)]


def test_a_moved_session_keeps_its_uid_and_carries_the_higher_sequence():
    events = kid_events()
    session = generate_sessions(get_catalogue().courses["KiD"], date(2026, 10, 6), time(18))[2]
    moved = move_session(session, date(2026, 10, 22), time(17, 0))
    events[2] = replace(events[2], sequence=1, starts_at=moved.starts_at, ends_at=moved.ends_at,
                        last_modified=NOW)

    parsed = parse(build_calendar("KiD", events, NOW)).events
    assert [int(e["SEQUENCE"]) for e in parsed] == [0, 0, 1] + [0] * 7
    assert str(parsed[2]["UID"]) == "cohort-7-session-3@selfhelp"
    assert parsed[2].decoded("DTSTART") == datetime(2026, 10, 22, 17, 0, tzinfo=OSLO)
    assert parsed[2].decoded("LAST-MODIFIED") == NOW
    assert parsed[0].decoded("LAST-MODIFIED") == NOW - timedelta(days=2)


def test_a_cancelled_session_says_so_in_status_and_summary():
    events = kid_events()
    events[4] = replace(events[4], cancelled=True, sequence=2)

    parsed = parse(build_calendar("KiD", events, NOW)).events
    assert str(parsed[4]["STATUS"]) == "CANCELLED"
    assert str(parsed[4]["SUMMARY"]) == "AVLYST: KiD, samling 5"
    assert {str(e["STATUS"]) for i, e in enumerate(parsed) if i != 4} == {"CONFIRMED"}


def test_special_characters_survive_a_round_trip():
    long_text = SPECIAL + " " + "ø" * 80  # long enough to be folded over several lines
    events = kid_events(summary=SPECIAL, location=SPECIAL, description=long_text)
    feed = build_calendar("Kurs; høst, 2026", events, NOW)
    calendar = parse(feed)

    event = calendar.events[0]
    assert str(event["SUMMARY"]) == SPECIAL
    assert str(event["LOCATION"]) == SPECIAL
    assert str(event["DESCRIPTION"]) == long_text
    assert str(calendar["X-WR-CALNAME"]) == "Kurs; høst, 2026"
    assert b"Rom 3\\, 2. etasje\\; inngang B\\nTa med" in feed
    assert str(event["URL"]) == "https://selfhelp.example/kurs/7#s1"


def test_lines_are_crlf_and_folded_at_75_octets():
    feed = build_calendar("KiD", kid_events(description="æ" * 200), NOW)

    assert feed.endswith(b"END:VCALENDAR\r\n")
    lines = feed.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in feed.replace(b"\r\n", b"")


def test_stamps_are_utc_and_empty_fields_are_left_out():
    events = kid_events(location=None, description=None, url=None)
    calendar = parse(build_calendar("KiD", events, NOW.astimezone(OSLO)))

    event = calendar.events[0]
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert "LOCATION" not in event and "DESCRIPTION" not in event and "URL" not in event


def test_an_empty_feed_is_still_a_valid_calendar():
    calendar = parse(build_calendar("Ingen samlinger", [], NOW))

    assert calendar.events == []
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_naive_datetimes_are_refused():
    event = kid_events()[0]
    with pytest.raises(ValueError):
        build_calendar("KiD", [replace(event, starts_at=datetime(2026, 10, 6, 18))], NOW)
    with pytest.raises(ValueError):
        build_calendar("KiD", [event], datetime(2026, 9, 1, 8, 30))
