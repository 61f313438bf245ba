"""Meeting generation from an RRULE in the board's time zone: DST-correct and idempotent."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from scheduling.models import Meeting
from scheduling.services import meetings_generate
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def frozen_now(monkeypatch):
    """Pin 'now' for the scheduling services (the board anchors on its creation date)."""
    now = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    return now


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        # Europe switches on the last Sunday of March, the US on the second Sunday of March.
        ("Europe/Paris", datetime.date(2026, 3, 24), datetime.date(2026, 3, 31)),
        ("America/New_York", datetime.date(2026, 3, 3), datetime.date(2026, 3, 10)),
    ],
)
def test_a_0700_board_stays_at_0700_local_across_the_dst_change(frozen_now, tz, before, after):
    board = BoardFactory(timezone=tz, recurrence="FREQ=WEEKLY;BYDAY=TU", start_time=datetime.time(7, 0))
    meetings_generate(board=board, until=datetime.datetime(2026, 4, 15, tzinfo=UTC))
    local = {m.starts_at.astimezone(ZoneInfo(tz)).date(): m for m in Meeting.objects.filter(board=board)}
    for day in (before, after):
        assert local[day].starts_at.astimezone(ZoneInfo(tz)).time() == datetime.time(7, 0)
    offset = local[before].starts_at.utcoffset(), local[after].starts_at.astimezone(ZoneInfo(tz)).utcoffset()
    utc_hours = {local[d].starts_at.astimezone(UTC).hour for d in (before, after)}
    assert len(utc_hours) == 2, (utc_hours, offset)  # the UTC hour moved so the local hour did not


def test_generation_is_idempotent_and_extends(frozen_now):
    board = BoardFactory(recurrence="FREQ=WEEKLY;BYDAY=TU,TH")
    first = meetings_generate(board=board, until=frozen_now + datetime.timedelta(weeks=4))
    assert first == 8
    assert meetings_generate(board=board, until=frozen_now + datetime.timedelta(weeks=4)) == 0
    assert meetings_generate(board=board, until=frozen_now + datetime.timedelta(weeks=6)) == 4
    assert Meeting.objects.filter(board=board).count() == 12
    meeting = Meeting.objects.filter(board=board).first()
    assert meeting.capacity_minutes == board.duration_minutes
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=board.duration_minutes)


def test_biweekly_monthly_rules(frozen_now):
    biweekly = BoardFactory(recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", submission_cutoff_hours=72)
    assert meetings_generate(board=biweekly, until=frozen_now + datetime.timedelta(weeks=8)) == 4
    monthly = BoardFactory(recurrence="RRULE:FREQ=MONTHLY;BYDAY=1MO", submission_cutoff_hours=96)
    assert meetings_generate(board=monthly, until=frozen_now + datetime.timedelta(days=95)) == 4  # Mar 2 … Jun 1


def test_generation_refuses_a_far_horizon(frozen_now):
    board = BoardFactory()
    with pytest.raises(ValidationError) as exc:
        meetings_generate(board=board, until=frozen_now + datetime.timedelta(days=3 * 365))
    assert "until" in exc.value.message_dict
