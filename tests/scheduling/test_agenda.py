"""Agenda allocation: earliest meeting with time left, cut-off, urgency order, roll-over, capacity races."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cases.lifecycle.agenda import agenda_allocate, meeting_transition
from cases.models import Case, CaseTransition
from scheduling.models import AgendaItem, Meeting
from tests.conftest import at_once, meeting_start
from tests.factories import BoardFactory, CaseFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _meeting(board, days: float, **kwargs) -> Meeting:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return MeetingFactory(board=board, starts_at=start, ends_at=start + datetime.timedelta(minutes=60), **kwargs)


def _submitted(board, urgency="routine") -> Case:
    return CaseFactory(institution=board.institution, board=board, status="submitted", urgency=urgency)


@pytest.fixture
def board():
    return BoardFactory(duration_minutes=30, minutes_per_case=10, submission_cutoff_hours=48)


def test_earliest_meeting_with_time_left_and_overflow_to_the_next(board):
    first, second = _meeting(board, 5), _meeting(board, 12)
    cases = [_submitted(board) for _ in range(4)]
    items = [agenda_allocate(case_id=c.pk) for c in cases]
    assert [i.meeting for i in items] == [first, first, first, second]
    first.refresh_from_db()
    assert first.allocated_minutes == first.capacity_minutes == 30
    assert "is full" in items[3].note
    assert Case.objects.get(pk=cases[0].pk).status == "scheduled"
    assert agenda_allocate(case_id=cases[0].pk) is None  # idempotent: already holds a slot


def test_late_case_goes_to_the_next_meeting_with_a_visible_reason(board):
    _meeting(board, 1)  # cut-off (48 h) already passed
    later = _meeting(board, 8)
    item = agenda_allocate(case_id=_submitted(board).pk)
    assert item.meeting == later
    assert "cut-off" in item.note
    assert CaseTransition.objects.get(case=item.case, action="schedule").reason == item.note


def test_no_room_anywhere_leaves_the_case_submitted_for_the_sweep(board):
    from cases.selectors import cases_waiting_for_allocation

    case = _submitted(board)
    assert agenda_allocate(case_id=case.pk) is None
    assert Case.objects.get(pk=case.pk).status == "submitted"
    assert cases_waiting_for_allocation() == [case.pk]
    _meeting(board, 6)
    from cases.tasks import agenda_sweep

    assert agenda_sweep() == 1
    assert cases_waiting_for_allocation() == []


def test_urgent_cases_come_before_routine_ones(board):
    board.duration_minutes = 60
    board.save()
    meeting = _meeting(board, 5, capacity_minutes=60)
    routine = [agenda_allocate(case_id=_submitted(board).pk) for _ in range(2)]
    urgent = agenda_allocate(case_id=_submitted(board, urgency="urgent").pk)
    urgent2 = agenda_allocate(case_id=_submitted(board, urgency="urgent").pk)
    order = list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True))
    assert order == [urgent.pk, urgent2.pk, routine[0].pk, routine[1].pk]


def test_completing_rolls_unpresented_cases_and_cancelling_rolls_the_agenda(board):
    coordinator = UserFactory(institution=board.institution)
    MembershipFactory(user=coordinator, board=board, role="coordinator")
    first, second, third = _meeting(board, 5), _meeting(board, 12), _meeting(board, 19)
    cases = [_submitted(board) for _ in range(2)]
    for case in cases:
        agenda_allocate(case_id=case.pk)

    meeting_transition(user=coordinator, meeting=first, action_name="cancel", reason="Public holiday", confirm=True)
    for case in cases:
        case.refresh_from_db()
        assert case.status == "scheduled" and case.meeting == second
        actions = list(CaseTransition.objects.filter(case=case).values_list("action", "to_status", "reason"))
        assert actions[-2][:2] == ("defer", "deferred") and "cancellation" in actions[-2][2]
        assert actions[-1][:2] == ("roll-over", "scheduled")
    first.refresh_from_db()
    assert first.allocated_minutes == 0 and first.sequence == 1

    Meeting.objects.filter(pk=second.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    meeting_start(second, by=coordinator)
    meeting_transition(user=coordinator, meeting=second, action_name="complete")
    for case in cases:
        case.refresh_from_db()
        assert case.meeting == third and case.status == "scheduled"


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_overbook_a_meeting():
    """Twelve threads, each its own PostgreSQL connection and transaction, allocate at once to a meeting
    with room for three cases; a barrier releases them together so the transactions overlap."""
    assert connection.vendor == "postgresql"
    board = BoardFactory(duration_minutes=30, minutes_per_case=10, submission_cutoff_hours=48)
    first, second = _meeting(board, 5), _meeting(board, 12, capacity_minutes=90)
    cases = [_submitted(board) for _ in range(12)]
    at_once([lambda case_id=c.pk: agenda_allocate(case_id=case_id) for c in cases])
    first.refresh_from_db()
    second.refresh_from_db()
    assert AgendaItem.objects.filter(meeting=first).count() == 3
    assert first.allocated_minutes == 30 <= first.capacity_minutes
    assert AgendaItem.objects.filter(meeting=second).count() == 9
    assert second.allocated_minutes == 90
    assert Case.objects.filter(status="scheduled").count() == 12
    positions = list(AgendaItem.objects.filter(meeting=second).values_list("position", flat=True))
    assert sorted(positions) == list(range(1, 10))
