"""iCalendar (RFC 5545) feeds of course sessions, so participants see them in their own calendar.

Events carry Europe/Oslo local times with a TZID and a VTIMEZONE, so calendar apps keep a
session at 18:00 on the wall clock whatever the daylight-saving offset is that day.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from icalendar import Calendar, Event, Timezone

from selfhelp.clock import OSLO

PRODID = "-//selfhelp//courses//NO"
TZID = "Europe/Oslo"
CANCELLED_PREFIX = "AVLYST: "


@dataclass(frozen=True)
class CalendarEvent:
    """One session as a calendar entry; instants are aware (UTC)."""

    #: Stable across feeds and changes (e.g. "session-42@selfhelp"), so apps update, not duplicate.
    uid: str
    #: Raised by the caller each time the event changes (moved, cancelled, new text).
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str | None
    description: str | None
    url: str | None
    cancelled: bool
    last_modified: datetime


def build_calendar(name: str, events: Iterable[CalendarEvent], now: datetime) -> bytes:
    """A VCALENDAR named `name` with one VEVENT per event, in the order given; `now` is DTSTAMP."""
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(_oslo_timezone(events, now))
    stamp = _utc(now)
    for item in events:
        calendar.add_component(_event(item, stamp))
    return calendar.to_ical()


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(item.starts_at).astimezone(OSLO))
    event.add("dtend", _utc(item.ends_at).astimezone(OSLO))
    prefix = CANCELLED_PREFIX if item.cancelled else ""
    event.add("summary", prefix + item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    event.add("last-modified", _utc(item.last_modified))
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    return event


def _oslo_timezone(events: list[CalendarEvent], now: datetime) -> Timezone:
    # Only the transitions of the years the feed touches: the 1970–2038 default makes every feed
    # many kilobytes longer. Whole years keep the output stable for the same input.
    instants = [_utc(now)] + [_utc(e.starts_at) for e in events] + [_utc(e.ends_at) for e in events]
    first = min(instants).astimezone(OSLO).year
    last = max(instants).astimezone(OSLO).year
    return Timezone.from_tzid(TZID, first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1))


def _utc(instant: datetime) -> datetime:
    # A naive datetime here is a bug upstream: guessing its zone would shift sessions by an hour.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("calendar times must be aware datetimes")
    return instant.astimezone(timezone.utc)
