"""A board's recurrence in words ↔ its RRULE (scheduling.recurrence), and the next meetings a rule gives."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import Board
from scheduling.recurrence import Pattern, Words, describe, rrule_to_words, upcoming, words_to_rrule

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        (Words(pattern=Pattern.WEEKLY, weekdays=("TU",)), "FREQ=WEEKLY;BYDAY=TU"),
        (Words(pattern=Pattern.WEEKLY, weekdays=("MO", "TH")), "FREQ=WEEKLY;BYDAY=MO,TH"),
        (Words(pattern=Pattern.WEEKLY, weekdays=("WE",), weeks=2), "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        (Words(pattern=Pattern.MONTHLY, nth=1, weekday="MO"), "FREQ=MONTHLY;BYDAY=1MO"),
        (Words(pattern=Pattern.MONTHLY, nth=3, weekday="TH"), "FREQ=MONTHLY;BYDAY=3TH"),
        (Words(pattern=Pattern.MONTHLY, nth=-1, weekday="FR"), "FREQ=MONTHLY;BYDAY=-1FR"),
        (Words(pattern=Pattern.NONE), ""),
    ],
)
def test_words_and_rules_translate_both_ways(words, rule):
    assert words_to_rrule(words) == rule
    assert rrule_to_words(rule) == words


def test_weekdays_come_out_in_week_order_and_a_prefix_or_lower_case_is_read():
    assert words_to_rrule(Words(weekdays=("FR", "MO", "MO"))) == "FREQ=WEEKLY;BYDAY=MO,FR"
    assert rrule_to_words("RRULE:freq=weekly;byday=th,tu") == Words(weekdays=("TU", "TH"))
    assert rrule_to_words("FREQ=MONTHLY;BYDAY=+2WE") == Words(pattern=Pattern.MONTHLY, nth=2, weekday="WE")
    assert rrule_to_words("FREQ=WEEKLY;INTERVAL=1;BYDAY=TU") == Words(weekdays=("TU",))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY",  # the weekday of the board's creation: not in the words
        "FREQ=DAILY",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYDAY=5TU",  # a fifth Tuesday
        "FREQ=MONTHLY;BYDAY=1TU,3TU",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU",
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T000000Z",
        "FREQ=WEEKLY;INTERVAL=9;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=TU,TU",
        "FREQ=WEEKLY;BYDAY=1TU",
        "FREQ=WEEKLY;BYDAY=TU;BYDAY=WE",
        "not a rule",
    ],
)
def test_a_rule_the_words_cannot_say_is_kept_as_written(rule):
    assert rrule_to_words(rule) == Words(pattern=Pattern.CUSTOM, rule=rule)
    assert words_to_rrule(rrule_to_words(rule)) == rule


def test_the_sentence():
    at = datetime.time(7, 30)
    assert describe(Words(weekdays=("TU",)), at) == "Every week on Tuesday at 07:30"
    assert describe(Words(weekdays=("MO", "WE", "FR"), weeks=2)) == "Every 2 weeks on Monday, Wednesday and Friday"
    assert describe(Words(pattern=Pattern.MONTHLY, nth=-1, weekday="FR"), at) == (
        "The last Friday of every month at 07:30"
    )
    assert describe(Words(pattern=Pattern.NONE)) == "No regular meetings (one-off meetings only)"
    assert describe(Words(pattern=Pattern.CUSTOM, rule="FREQ=DAILY")) == "Custom rule FREQ=DAILY"


@pytest.mark.parametrize(
    ("tz", "rule", "dates"),
    [
        # Berlin leaves summer time on Sunday 25 October 2026, New York on Sunday 1 November 2026
        ("Europe/Berlin", "FREQ=WEEKLY;BYDAY=TU", ["2026-10-13", "2026-10-20", "2026-10-27", "2026-11-03"]),
        ("America/New_York", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", ["2026-10-15", "2026-10-29", "2026-11-12"]),
    ],
)
def test_upcoming_meetings_keep_their_local_time_across_the_end_of_summer_time(tz, rule, dates):
    board = Board(timezone=tz, recurrence=rule, start_time=datetime.time(7, 30))
    board.created_at = datetime.datetime(2026, 10, 1, tzinfo=UTC)
    starts = upcoming(board, after=datetime.datetime(2026, 10, 12, 9, 0, tzinfo=UTC), count=len(dates))
    local = [s.astimezone(ZoneInfo(tz)) for s in starts]
    assert [f"{d:%Y-%m-%d}" for d in local] == dates
    assert {f"{d:%H:%M}" for d in local} == {"07:30"}
    assert len({d.utcoffset() for d in local}) == 2  # the UTC hour moved, the local one did not
    assert len({s.astimezone(UTC).hour for s in starts}) == 2
