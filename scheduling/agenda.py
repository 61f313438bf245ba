"""An agenda's own rows: a meeting's minutes (reserved by compare-and-set), the order of its items, the meetings
with room. Nothing here knows a case's status: the case's lifecycle (cases/lifecycle/agenda.py) places and moves
cases with these; reordering and resizing are called by the API and the pages directly."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from scheduling.models import AgendaItem, AgendaItemStatus, Board, Meeting, MeetingStatus
from specialists.access import is_board_coordinator
from tumorboard.audit import audit_write
from tumorboard.codes import Urgency
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction


def agenda_positions_next(placements: list[tuple[int, str]]) -> list[int]:
    """The positions of new items, one per ``(meeting id, urgency)`` in the order given, as if placed one after the
    other: an urgent case goes after the urgent cases already there and before every routine one (which move down
    one), a routine case last. The scheduled items that move are written in one statement; the caller holds the
    meetings' locks and creates the new items."""
    agendas: dict[int, list[list]] = defaultdict(list)  # meeting id → [position, urgency, existing item id or None]
    scheduled = AgendaItem.objects.filter(
        meeting_id__in={meeting_id for meeting_id, _ in placements}, status=AgendaItemStatus.SCHEDULED
    )
    for pk, meeting_id, position, urgency in scheduled.values_list("pk", "meeting_id", "position", "case__urgency"):
        agendas[meeting_id].append([position, urgency, pk])
    was = {pk: position for agenda in agendas.values() for position, _, pk in agenda}
    new = []
    for meeting_id, urgency in placements:
        agenda = agendas[meeting_id]
        if urgency == Urgency.URGENT:
            position = max((p for p, u, _ in agenda if u == Urgency.URGENT), default=0) + 1
            for entry in agenda:
                entry[0] += entry[0] >= position
        else:
            position = max((p for p, _, _ in agenda), default=0) + 1
        new.append([position, urgency, None])
        agenda.append(new[-1])
    moved = [
        AgendaItem(pk=pk, position=position)
        for agenda in agendas.values()
        for position, _, pk in agenda
        if pk is not None and position != was[pk]
    ]
    AgendaItem.objects.bulk_update(moved, ["position"])
    return [position for position, _, _ in new]


def meeting_minutes_reserve(meeting_id: int, minutes: int) -> bool:
    """Compare-and-set: take ``minutes`` of the meeting's capacity if they are free. The UPDATE's row lock
    serialises concurrent allocations to one meeting until the transaction ends."""
    return bool(
        Meeting.objects.filter(
            pk=meeting_id,
            status=MeetingStatus.SCHEDULED,
            allocated_minutes__lte=F("capacity_minutes") - minutes,
        ).update(allocated_minutes=F("allocated_minutes") + minutes)
    )


def meeting_minutes_release(item: AgendaItem) -> None:
    Meeting.objects.filter(pk=item.meeting_id).update(allocated_minutes=F("allocated_minutes") - item.minutes)


def meeting_with_room(*, board: Board, minutes: int | None = None, before: datetime.datetime | None = None):
    """The board's earliest scheduled future meeting with ``minutes`` free (one indexed query), optionally
    starting no later than ``before``; None when there is none."""
    minutes = minutes or board.minutes_per_case
    meetings = Meeting.objects.filter(
        board=board,
        status=MeetingStatus.SCHEDULED,
        starts_at__gt=timezone.now(),
        allocated_minutes__lte=F("capacity_minutes") - minutes,
    ).select_related("board")
    if before is not None:
        meetings = meetings.filter(starts_at__lte=before)
    return meetings.order_by("starts_at", "id").first()


def boards_lock_for_allocation(board_ids) -> None:
    """The boards' allocation lock (their rows, ``FOR NO KEY UPDATE``, in id order), taken before a board's meetings
    are locked by anything that locks several of them: the allocation and a roll-over. Concurrent allocations to a
    board queue on it instead of deadlocking over its meetings; new meetings (a key-share lock) are not held up."""
    list(Board.objects.select_for_update(no_key=True).filter(pk__in=set(board_ids)).order_by("id").values_list("id"))


def meetings_open_locked(
    open_from: dict[int, tuple[datetime.datetime, int]], *, exclude_meeting_id: int | None = None
) -> dict[int, list[Meeting]]:
    """For each board id in ``open_from`` (→ (the earliest start its cut-off allows, minutes per case)), its scheduled
    meetings starting later with room for a case, earliest first, read under their locks (``FOR UPDATE`` in id order,
    one statement): their free minutes are then the caller's to hand out, and to write with ``meetings_minutes_write``.
    The caller holds the boards' allocation lock."""
    if not open_from:
        return {}
    room = Q()
    for board_id, (start, minutes) in open_from.items():
        room |= Q(board_id=board_id, starts_at__gt=start, allocated_minutes__lte=F("capacity_minutes") - minutes)
    meetings = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("board")
        .filter(room, status=MeetingStatus.SCHEDULED)
        .order_by("id")
    )
    if exclude_meeting_id:
        meetings = meetings.exclude(pk=exclude_meeting_id)
    found: dict[int, list[Meeting]] = {board_id: [] for board_id in open_from}
    for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.pk)):
        found[meeting.board_id].append(meeting)
    return found


def meetings_minutes_write(meetings: list[Meeting]) -> None:
    """Write the allocated minutes of meetings read by ``meetings_open_locked`` (still locked): one statement."""
    Meeting.objects.bulk_update(meetings, ["allocated_minutes"])


def meetings_first(
    bounds: dict[int, tuple[datetime.datetime, datetime.datetime | None]], *, exclude_meeting_id: int | None = None
) -> dict[int, Meeting]:
    """For each board id in ``bounds`` (→ (after, until or None)), its earliest scheduled meeting starting after
    ``after`` and no later than ``until``, whatever its room (unlocked, one indexed query per board: for the notes
    that say why a case is not on an earlier meeting)."""
    found = {}
    for board_id, (after, until) in bounds.items():
        meetings = Meeting.objects.select_related("board").filter(
            board_id=board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=after
        )
        if until is not None:
            meetings = meetings.filter(starts_at__lte=until)
        if exclude_meeting_id:
            meetings = meetings.exclude(pk=exclude_meeting_id)
        if (meeting := meetings.order_by("starts_at", "id").first()) is not None:
            found[board_id] = meeting
    return found


def agenda_coordinator_check(user, meeting: Meeting) -> None:
    if not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied("Only the board's coordinators change its agendas.")


def agenda_open_check(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(f"The agenda of a {meeting.get_status_display().lower()} meeting cannot change.")


@transaction.atomic
def agenda_reorder(*, user, meeting: Meeting, item_ids: list) -> list[AgendaItem]:
    """Set the order of the scheduled items: ``item_ids`` must name each of them exactly once."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    agenda_coordinator_check(user, meeting)
    agenda_open_check(meeting)
    items = {i.public_id: i for i in AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.SCHEDULED)}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(items):
        raise ValidationError({"items": ["List every scheduled item of the agenda exactly once."]})
    for position, public_id in enumerate(item_ids, start=1):
        items[public_id].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    audit_write(user=user, action=AuditAction.UPDATE, obj=meeting, detail={"agenda": "reordered"})
    return sorted(items.values(), key=lambda i: i.position)


@transaction.atomic
def agenda_item_resize(*, user, item: AgendaItem, minutes: int) -> AgendaItem:
    """Give one case more or fewer minutes, within the meeting's capacity."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    agenda_coordinator_check(user, item.meeting)
    agenda_open_check(item.meeting)
    delta = minutes - item.minutes
    if delta > 0 and not meeting_minutes_reserve(item.meeting_id, delta):
        raise Conflict("The meeting has no time left for that.", code="capacity_exceeded")
    if delta < 0:
        Meeting.objects.filter(pk=item.meeting_id).update(allocated_minutes=F("allocated_minutes") + delta)
    item.minutes = minutes
    item.save(update_fields=["minutes", "updated_at"])
    return item
