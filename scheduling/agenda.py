"""An agenda's own rows: a meeting's minutes (reserved by compare-and-set), the order of its items, the meetings
with room. Nothing here knows a case's status: the case's lifecycle (cases/lifecycle/agenda.py) places and moves
cases with these; reordering and resizing are called by the API and the pages directly."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from scheduling.models import AgendaItem, AgendaItemStatus, Board, Meeting, MeetingStatus
from specialists.access import is_board_coordinator
from tumorboard.audit import audit_write
from tumorboard.codes import Urgency
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction


def agenda_position_next(meeting: Meeting, urgency: str) -> int:
    """Urgent cases go after the urgent cases already there and before every routine one."""
    scheduled = AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.SCHEDULED)
    if urgency == Urgency.URGENT:
        last_urgent = scheduled.filter(case__urgency=Urgency.URGENT).aggregate(p=Max("position"))["p"]
        position = (last_urgent or 0) + 1
        scheduled.filter(position__gte=position).update(position=F("position") + 1)
        return position
    return (scheduled.aggregate(p=Max("position"))["p"] or 0) + 1


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


def meetings_ahead(case, *, exclude_meeting_id: int | None = None):
    """The scheduled future meetings of the case's board, earliest first (one of them left out if given)."""
    meetings = Meeting.objects.filter(
        board_id=case.board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).select_related("board")
    if exclude_meeting_id:
        meetings = meetings.exclude(pk=exclude_meeting_id)
    return meetings.order_by("starts_at", "id")


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
