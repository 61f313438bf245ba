"""iCalendar documents (RFC 5545) for invitations, cancellations and private feeds.

Nothing about patients goes in: a meeting is its board's name, its time, the video link and a link to
the meeting page. The UID is stable per meeting, so a client replaces the event on every update
(SEQUENCE increases) and removes it on METHOD:CANCEL.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tumor-board coordination service//EN"


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.public_id}@tumorboard"


def _event(meeting, *, attendees: Iterable = (), cancelled: bool = False) -> Event:
    tz = ZoneInfo(meeting.board.timezone)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.board.name} tumor board")
    link = f"{settings.SITE_URL}/meetings/{meeting.public_id}/"
    video = meeting.effective_video_url
    event.add("description", f"Meeting page: {link}" + (f"\nJoin remotely: {video}" if video else ""))
    event.add("url", link)
    if video:
        event.add("location", video)
    event.add("status", "CANCELLED" if cancelled or meeting.status == "cancelled" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(f"{meeting.board.name} coordinators")
    event["organizer"] = organizer
    for user in attendees:
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.get_full_name() or user.username)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    return event


def _calendar(method: str | None, events: Iterable[Event], name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation(meeting, attendees: Iterable = ()) -> bytes:
    """METHOD:REQUEST, or METHOD:CANCEL for a cancelled meeting."""
    cancelled = meeting.status == "cancelled"
    return _calendar("CANCEL" if cancelled else "REQUEST", [_event(meeting, attendees=attendees, cancelled=cancelled)])


def feed(meetings: Iterable, name: str) -> bytes:
    """A subscription feed: no METHOD, one event per meeting."""
    return _calendar(None, [_event(m) for m in meetings], name=name)
