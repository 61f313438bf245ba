"""Allocation in bulk: one pass over many cases makes exactly the choices the cases taken one at a time make (meeting,
position, note, transition and audit rows), in queries that do not grow with the cases; its packet requests leave in
one message per batch; and the sweep racing single submissions never overbooks a meeting."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.lifecycle.agenda import agenda_allocate, agenda_allocate_many
from cases.models import Case, CaseTransition
from cases.selectors import cases_waiting, cases_waiting_for_allocation
from scheduling.models import AgendaItem, Meeting
from tests.conftest import at_once
from tests.factories import BoardFactory, CaseFactory, InstitutionFactory, MeetingFactory
from tumorboard.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

# (minutes per case, cut-off hours) of the world's boards; meetings (hours ahead, capacity in cases, status)
BOARDS = [(10, 48), (15, 24), (20, 0)]
MEETINGS = [(-30, 3, "scheduled"), (12, 3, "scheduled"), (36, 2, "scheduled"), (60, 4, "cancelled")]
MEETINGS += [(72, 2, "scheduled"), (120, 3, "scheduled"), (200, 4, "scheduled"), (330, 5, "scheduled")]


def _world(seed: int, base: datetime.datetime) -> tuple[list[Meeting], list[Case]]:
    """A varied world, the same for a seed: three boards (cut-offs of 48 h, 24 h, none), meetings past, within the
    cut-off, cancelled and ahead, some already holding cases; urgent and routine cases submitted at random times (some
    at the same time), deferred ones, drafts, and more cases than room."""
    rng = random.Random(seed)
    institution = InstitutionFactory()
    meetings, cases = [], []
    for minutes, cutoff in BOARDS:
        board = BoardFactory(
            institution=institution, duration_minutes=60, minutes_per_case=minutes, submission_cutoff_hours=cutoff
        )
        for hours, capacity, status in MEETINGS:
            start = base + datetime.timedelta(hours=hours)
            meetings.append(
                MeetingFactory(
                    board=board,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=60),
                    capacity_minutes=capacity * minutes,
                    status=status,
                )
            )
        for _ in range(20):
            cases.append(
                CaseFactory(
                    institution=institution,
                    board=board,
                    status=rng.choice(["submitted"] * 6 + ["deferred", "draft"]),
                    urgency=rng.choice(["routine", "routine", "urgent"]),
                    submitted_at=base - datetime.timedelta(hours=rng.choice([1, 2, 2, 5, 9, 30])),
                )
            )
    first_pass = [c for c in cases if rng.random() < 0.25 and c.status != "draft"]  # already on agendas
    for case in first_pass:
        agenda_allocate(case_id=case.pk)
    return meetings, cases


def _outcome(meetings: list[Meeting], cases: list[Case]) -> dict:
    """What the allocation chose, in terms that two worlds built alike can be compared in."""
    index = {m.pk: i for i, m in enumerate(meetings)}
    items = {i.case_id: i for i in AgendaItem.objects.filter(case__in=cases, status="scheduled")}
    audits = dict(
        AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_type="cases.case")
        .values_list("object_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("id"):
        item = items.get(case.pk)
        transitions = list(
            CaseTransition.objects.filter(case=case).order_by("id").values_list("action", "from_status", "reason")
        )
        slot = (index[item.meeting_id], item.position, item.minutes, item.note) if item else None
        meeting = index.get(case.meeting_id)
        rows.append((case.status, meeting, slot, transitions, audits.get(str(case.public_id), 0)))
    minutes = [Meeting.objects.get(pk=m.pk).allocated_minutes for m in meetings]
    return {"cases": rows, "allocated": minutes}


def test_one_pass_makes_the_choices_of_one_case_at_a_time():
    base = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=30)
    one_by_one = _world(7, base)
    in_bulk = _world(7, base)
    waiting = [
        list(cases_waiting(Case.objects.filter(pk__in=[c.pk for c in w[1]])).values_list("id", flat=True))
        for w in (one_by_one, in_bulk)
    ]
    for case_id in waiting[0]:
        agenda_allocate(case_id=case_id)
    placed = agenda_allocate_many(case_ids=waiting[1])

    got = _outcome(*in_bulk)
    assert got == _outcome(*one_by_one)
    assert set(placed) == set(Case.objects.filter(pk__in=waiting[1], status="scheduled").values_list("id", flat=True))
    # the world exercised what it is for: late and full notes, urgent before routine, cases left waiting
    notes = " ".join(row[2][3] for row in got["cases"] if row[2])
    assert "cut-off" in notes and "is full" in notes
    assert any(row[0] == "submitted" for row in got["cases"]) and any(row[0] == "deferred" for row in got["cases"])
    for meeting in in_bulk[0]:
        meeting.refresh_from_db()
        assert meeting.allocated_minutes <= meeting.capacity_minutes
        urgencies = list(
            AgendaItem.objects.filter(meeting=meeting, status="scheduled")
            .order_by("position")
            .values_list("case__urgency", flat=True)
        )
        assert urgencies == sorted(urgencies, key=lambda u: u != "urgent")


def _board_with_room(cases: int):
    board = BoardFactory(duration_minutes=60, minutes_per_case=10, submission_cutoff_hours=1)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    meetings = [
        MeetingFactory(board=board, starts_at=start + datetime.timedelta(days=d), capacity_minutes=60)
        for d in range(-(-cases // 6))
    ]
    ids = [
        CaseFactory(institution=board.institution, board=board, status="submitted", urgency=u).pk
        for u in ["urgent", "routine", "routine"] * (cases // 3)
    ]
    return meetings, ids


def test_queries_do_not_grow_with_the_cases(django_capture_on_commit_callbacks):
    counts = []
    for n in (6, 60):
        _, ids = _board_with_room(n)
        with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
            assert len(agenda_allocate_many(case_ids=ids)) == n
        counts.append(len(queries))
        assert len(callbacks) == 1  # the packet requests: one task message (ids only) for the batch
    assert counts[0] == counts[1], counts


def test_the_sweep_places_urgent_cases_first_and_leaves_the_rest_waiting():
    from cases.tasks import agenda_sweep

    board = BoardFactory(duration_minutes=30, minutes_per_case=10, submission_cutoff_hours=1)
    meeting = MeetingFactory(board=board, capacity_minutes=30)
    routine = [CaseFactory(institution=board.institution, board=board, status="submitted") for _ in range(3)]
    urgent = CaseFactory(institution=board.institution, board=board, status="submitted", urgency="urgent")
    assert agenda_sweep() == 3
    order = list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("case_id", flat=True))
    assert order == [urgent.pk, routine[0].pk, routine[1].pk]
    assert cases_waiting_for_allocation() == [routine[2].pk]
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 30


@pytest.mark.django_db(transaction=True)
def test_the_sweep_and_single_submissions_at_once_never_overbook():
    """The sweep over twenty waiting cases and six single allocations, each its own thread, PostgreSQL connection and
    transaction, released together over meetings with room for fewer cases than there are."""
    assert connection.vendor == "postgresql"
    meetings, swept = _board_with_room(18)
    meetings = meetings[:2]  # room for 12 of the 24 cases
    Meeting.objects.exclude(pk__in=[m.pk for m in meetings]).delete()
    board = meetings[0].board
    singles = [CaseFactory(institution=board.institution, board=board, status="submitted").pk for _ in range(6)]
    results = at_once(
        [lambda: agenda_allocate_many(case_ids=swept)]
        + [lambda case_id=pk: agenda_allocate(case_id=case_id) for pk in singles]
    )
    placed = len(results[0]) + sum(1 for item in results[1:] if item is not None)
    assert placed == 12
    for meeting in meetings:
        meeting.refresh_from_db()
        items = AgendaItem.objects.filter(meeting=meeting, status="scheduled")
        assert meeting.allocated_minutes == sum(items.values_list("minutes", flat=True)) == meeting.capacity_minutes
        assert sorted(items.values_list("position", flat=True)) == list(range(1, 7))
    assert Case.objects.filter(status="scheduled").count() == 12
    assert Case.objects.filter(status="submitted").count() == 12
