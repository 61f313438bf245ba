"""Board recurrence: an RFC 5545 RRULE evaluated in the board's IANA time zone.

Occurrences are computed as local wall-clock times and only then converted to UTC, so a board that
meets at 07:00 stays at 07:00 local time across daylight-saving changes.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from dataclasses import dataclass
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


def upcoming(board, *, after: datetime.datetime, count: int) -> list[datetime.datetime]:
    """The UTC starts of the board's next ``count`` meetings from ``after``, as ``meetings_generate`` would
    create them (the same anchor and the same local wall-clock time across daylight-saving changes)."""
    tz = parse_timezone(board.timezone)
    rule = parse_rrule(board.recurrence, dtstart=_anchor(board))
    lo = after.astimezone(tz).replace(tzinfo=None)
    horizon = lo + MAX_HORIZON
    return [_localize(naive, tz) for naive in rule.xafter(lo, count=count, inc=True) if naive <= horizon]


# --- the recurrence in words (the board pages) ----------------------------------------------------------------

WEEKDAYS = (("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday"), ("FR", "Friday"),
            ("SA", "Saturday"), ("SU", "Sunday"))  # fmt: skip
NTH = ((1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last"))
MAX_WEEKS_APART = 8


class Pattern:
    NONE = "none"  # one-off meetings only
    WEEKLY = "weekly"  # on some weekdays, every N weeks
    MONTHLY = "monthly"  # the nth weekday of the month
    CUSTOM = "custom"  # an RRULE the words cannot say, kept as written


@dataclass(frozen=True)
class Words:
    """A board's recurrence as a coordinator says it: ``weekdays`` every ``weeks`` weeks, or the ``nth``
    ``weekday`` of the month; or an RRULE the words cannot express, kept as ``rule``."""

    pattern: str = Pattern.WEEKLY
    weekdays: tuple[str, ...] = ()
    weeks: int = 1
    nth: int = 1
    weekday: str = "MO"
    rule: str = ""


def words_to_rrule(words: Words) -> str:
    """The RRULE the words say (``""`` for no recurrence). The words are taken as given: the form checks them."""
    if words.pattern == Pattern.NONE:
        return ""
    if words.pattern == Pattern.CUSTOM:
        return words.rule.strip()
    if words.pattern == Pattern.MONTHLY:
        return f"FREQ=MONTHLY;BYDAY={words.nth}{words.weekday}"
    order = [code for code, _ in WEEKDAYS]
    days = ",".join(sorted(set(words.weekdays), key=order.index))
    interval = f";INTERVAL={words.weeks}" if words.weeks > 1 else ""
    return f"FREQ=WEEKLY{interval};BYDAY={days}"


def rrule_to_words(text: str) -> Words:
    """The words for a stored RRULE; a rule they cannot say exactly comes back as ``Pattern.CUSTOM`` with the rule
    as written, so saving the form unchanged keeps it."""
    value = (text or "").strip()
    if not value:
        return Words(pattern=Pattern.NONE)
    custom = Words(pattern=Pattern.CUSTOM, rule=value)
    body = value[len("RRULE:") :] if value.upper().startswith("RRULE:") else value
    parts: dict[str, str] = {}
    for part in body.upper().split(";"):
        key, sep, item = part.partition("=")
        if not sep or key.strip() in parts:
            return custom
        parts[key.strip()] = item.strip()
    interval = parts.pop("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= MAX_WEEKS_APART:
        return custom
    freq, days = parts.pop("FREQ", ""), parts.pop("BYDAY", "")
    order = [code for code, _ in WEEKDAYS]
    codes = set(order)
    if parts or not days:  # anything else (BYSETPOS, COUNT, UNTIL, WKST, ...) is beyond the words
        return custom
    if freq == "WEEKLY":
        weekdays = days.split(",")
        if all(day in codes for day in weekdays) and len(set(weekdays)) == len(weekdays):
            return Words(pattern=Pattern.WEEKLY, weekdays=tuple(sorted(weekdays, key=order.index)), weeks=int(interval))
    if freq == "MONTHLY" and interval == "1" and days[-2:] in codes:
        nth = days[:-2].lstrip("+")
        if nth in {"1", "2", "3", "4", "-1"}:
            return Words(pattern=Pattern.MONTHLY, nth=int(nth), weekday=days[-2:])
    return custom


def describe(words: Words, start_time: datetime.time | None = None) -> str:
    """The recurrence in a sentence: "Every 2 weeks on Wednesday at 07:30", "The last Friday of the month"."""
    names, nths = dict(WEEKDAYS), dict(NTH)
    at = f" at {start_time:%H:%M}" if start_time else ""
    if words.pattern == Pattern.NONE:
        return "No regular meetings (one-off meetings only)"
    if words.pattern == Pattern.CUSTOM:
        return f"Custom rule {words.rule}{at}"
    if words.pattern == Pattern.MONTHLY:
        return f"The {nths[words.nth]} {names[words.weekday]} of every month{at}"
    days = [names[day] for day in words.weekdays]
    listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
    every = "Every week" if words.weeks == 1 else f"Every {words.weeks} weeks"
    return f"{every} on {listed}{at}"
