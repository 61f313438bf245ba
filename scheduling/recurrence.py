"""Board recurrence: an RFC 5545 RRULE evaluated in the board's IANA time zone.

Occurrences are computed as local wall-clock times and only then converted to UTC, so a board that
meets at 07:00 stays at 07:00 local time across daylight-saving changes.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import DAILY, rrule, rrulestr

MAX_HORIZON = datetime.timedelta(days=2 * 366)
_SAMPLE = 60  # occurrences looked at to find the shortest interval between meetings


class RecurrenceError(ValueError):
    pass


# What the system's zone database lists besides the IANA zones: the machine's own setting and legacy aliases.
_NOT_IANA = {"localtime", "posixrules", "Factory"}


def parse_timezone(name: str) -> ZoneInfo:
    if not name or name in _NOT_IANA or name.startswith(("posix/", "right/")) or name not in available_timezones():
        raise RecurrenceError(f"{name!r} is not an IANA time zone (e.g. Europe/Paris, America/New_York).")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - available_timezones said yes
        raise RecurrenceError(f"{name!r} is not an IANA time zone.") from exc


def parse_rrule(text: str, *, dtstart: datetime.datetime) -> rrule:
    """Parse one RRULE (with or without the ``RRULE:`` prefix) anchored at the naive local ``dtstart``."""
    value = (text or "").strip()
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if not value or "\n" in value or "DTSTART" in value.upper():
        raise RecurrenceError("Give one RRULE line, e.g. FREQ=WEEKLY;BYDAY=TU (no DTSTART).")
    parts = {part.split("=", 1)[0].strip().upper() for part in value.split(";")}
    if {"UNTIL", "COUNT"} <= parts:
        raise RecurrenceError("An RRULE ends with UNTIL or with COUNT, not both (RFC 5545).")
    try:
        rule = rrulestr(value, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RecurrenceError(f"Not a valid RFC 5545 RRULE: {exc}") from exc
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr returns an rruleset only for several rules
        raise RecurrenceError("Give a single RRULE.")
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY: the board's start time fixes the time of day
        raise RecurrenceError("A board meets at most once a day: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    return rule


def _anchor(board) -> datetime.datetime:
    tz = parse_timezone(board.timezone)
    created = board.created_at or datetime.datetime.now(datetime.UTC)
    return datetime.datetime.combine(created.astimezone(tz).date(), board.start_time)


def _localize(naive: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    aware = naive.replace(tzinfo=tz)
    # A wall-clock time inside a spring-forward gap does not exist: move it past the gap.
    round_trip = aware.astimezone(datetime.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        aware = round_trip
    return aware.astimezone(datetime.UTC)


def occurrences(board, start: datetime.datetime, until: datetime.datetime) -> list[datetime.datetime]:
    """UTC start times of the board's meetings in ``[start, until]`` (aware datetimes)."""
    tz = parse_timezone(board.timezone)
    rule = parse_rrule(board.recurrence, dtstart=_anchor(board))
    lo = start.astimezone(tz).replace(tzinfo=None)
    hi = until.astimezone(tz).replace(tzinfo=None)
    return [_localize(naive, tz) for naive in rule.between(lo, hi, inc=True)]


def shortest_interval(board) -> datetime.timedelta | None:
    """The shortest time between two consecutive meetings (None when the rule yields fewer than two)."""
    tz = parse_timezone(board.timezone)
    rule = parse_rrule(board.recurrence, dtstart=_anchor(board))
    starts = []
    for naive in rule:
        starts.append(_localize(naive, tz))
        if len(starts) >= _SAMPLE:
            break
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return min(gaps) if gaps else None


def first_occurrence(text: str, *, after: datetime.datetime) -> datetime.datetime | None:
    """The rule's first occurrence (naive local) from ``after`` within MAX_HORIZON, or None: a rule such as
    BYMONTH=2;BYMONTHDAY=30 never occurs. The search stops at the horizon (dateutil alone would walk to year 9999)."""
    rule = parse_rrule(text, dtstart=after)
    if rule._bymonthday and not rule._bynmonthday:  # e.g. 30 February: answered at once, not by a walk to 9999
        months = rule._bymonth or range(1, 13)
        if all(day > calendar.monthrange(2028, month)[1] for month in months for day in rule._bymonthday):
            return None
    horizon = after + MAX_HORIZON
    until = min(rule._until, horizon) if rule._until else horizon  # a rule's own UNTIL may end it sooner
    return next(iter(rule.replace(until=until, count=None)), None)
