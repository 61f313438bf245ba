"""A case on an agenda: allocated, placed, added, moved, removed, deferred, rolled over, presented, released; and
a meeting's start, completion and cancellation with what they mean for its cases. Each step changes the
agenda's rows (scheduling/agenda.py), the case's status (cases/states.py) and what follows the case: its packet
its second-opinion request and its review tasks."""

from __future__ import annotations

import datetime
from collections import deque
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import CaseStatus
from cases.lifecycle.second_opinion_slots import second_opinion_slot_sync, second_opinion_slots_sync
from cases.locks import case_lock, cases_locked
from cases.models import Case
from cases.services.meeting_packets import meeting_packets_request_if_built
from cases.services.packets import packets_request
from cases.services.review_tasks import review_tasks_cancel, review_tasks_move, review_tasks_place
from cases.states import CASE
from scheduling import agenda as agenda_rows
from scheduling.agenda import (
    agenda_coordinator_check,
    agenda_open_check,
    agenda_positions_next,
    boards_lock_for_allocation,
    meeting_minutes_release,
    meeting_minutes_reserve,
    meeting_with_room,
    meetings_first,
    meetings_minutes_write,
    meetings_open_locked,
)
from scheduling.models import AgendaItem, AgendaItemStatus, Meeting, MeetingStatus
from scheduling.services import meeting_status_change
from scheduling.states import AGENDA_ITEM
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

ALLOCATION_BATCH = 500  # cases per transaction of an allocation pass: its case locks are held that long


def _agenda_changed(*meeting_ids: int) -> None:
    """What follows a change of agendas: the meetings' packets that exist are built again."""
    meeting_packets_request_if_built(meeting_ids=meeting_ids, reason="the agenda changed")


@dataclass(frozen=True)
class _Placement:
    case: Case
    meeting: Meeting
    minutes: int
    note: str


def _place(placements: list[_Placement], *, by, action: str) -> list[AgendaItem]:
    """Put locked cases on meetings whose minutes are reserved for them, in the order given (it decides the positions):
    their items, their status with the meeting (``action``; the note kept with the transition), their packets asked
    for, their second-opinion requests following and their review tasks written (cases/services/review_tasks.py); the
    meetings' packets that exist are rebuilt. A few statements for any number of cases."""
    if not placements:
        return []
    positions = agenda_positions_next([(p.meeting.pk, p.case.urgency) for p in placements])
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=p.meeting, case=p.case, position=position, minutes=p.minutes, note=p.note)
        for p, position in zip(placements, positions, strict=True)
    )
    cases = [p.case for p in placements]
    notes = [p.note for p in placements]
    CASE.apply_many(cases, action, by=by, notes=notes, fields=[{"meeting": p.meeting} for p in placements])
    packets_request(cases=cases)
    second_opinion_slots_sync(cases=cases, by=by)
    review_tasks_place(items=items, by=by)
    _agenda_changed(*(p.meeting.pk for p in placements))
    return items


def agenda_place(*, case: Case, by, meeting: Meeting | None = None) -> AgendaItem | None:
    """Put a locked, submitted case of a board on ``meeting`` (409 when it has no room), or else on the
    earliest meeting with room, the submission cut-off aside (an accepted second opinion: the coordinator
    chose it). None when no meeting has room: the case waits for the allocation sweep."""
    minutes = case.board.minutes_per_case
    if meeting is not None:
        if meeting.board_id != case.board_id or meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"meeting": ["Choose a scheduled meeting of the board."]})
        if not meeting_minutes_reserve(meeting.pk, minutes):
            raise Conflict("The meeting has no time left for this case.", code="capacity_exceeded")
        return _place([_Placement(case, meeting, minutes, "")], by=by, action="schedule")[0]
    while (meeting := meeting_with_room(board=case.board, minutes=minutes)) is not None:
        if meeting_minutes_reserve(meeting.pk, minutes):
            return _place([_Placement(case, meeting, minutes, "")], by=by, action="schedule")[0]
    return None


def _allocate(
    cases: list[Case], *, by, action: str, rolled: str = "", exclude_meeting_id: int | None = None
) -> dict[int, AgendaItem]:
    """Put locked cases, in the order given (the sweep's: urgent first, then oldest), each on the earliest meeting of
    its board whose cut-off has not passed and that has time left, as one after the other. Returns the items by case
    id; a case with no room anywhere is left out. Each note says why the case is not on an earlier meeting, and for a
    roll-over, from where and to which meeting (``rolled`` is why it left its meeting).

    Set-based: the boards' allocation lock, then their meetings with room, locked in one statement and filled in
    memory (a board's cases all take its minutes per case, so a meeting too full for one is full for the rest); then
    ``_place`` writes them all. The queries do not grow with the number of cases."""
    if not cases:
        return {}
    now = timezone.now()
    boards = {case.board_id: case.board for case in cases}
    boards_lock_for_allocation(boards)
    open_from = {pk: now + datetime.timedelta(hours=board.submission_cutoff_hours) for pk, board in boards.items()}
    exclude = {"exclude_meeting_id": exclude_meeting_id}
    rooms = meetings_open_locked({pk: (open_from[pk], b.minutes_per_case) for pk, b in boards.items()}, **exclude)
    late = meetings_first({pk: (now, start) for pk, start in open_from.items()}, **exclude)
    first = meetings_first({pk: (start, None) for pk, start in open_from.items()}, **exclude)
    queues = {pk: deque(meetings) for pk, meetings in rooms.items()}
    notes: dict[int, str] = {}
    placements = []
    for case in cases:
        board, queue = case.board, queues[case.board_id]
        while queue and queue[0].allocated_minutes + board.minutes_per_case > queue[0].capacity_minutes:
            queue.popleft()
        if not queue:
            continue
        meeting = queue[0]
        meeting.allocated_minutes += board.minutes_per_case
        if meeting.pk not in notes:
            notes[meeting.pk] = _allocation_note(
                board, meeting, late=late.get(board.pk), first=first.get(board.pk), rolled=rolled
            )
        placements.append(_Placement(case, meeting, board.minutes_per_case, notes[meeting.pk]))
    meetings_minutes_write(list({p.meeting.pk: p.meeting for p in placements}.values()))
    return {item.case_id: item for item in _place(placements, by=by, action=action)}


def _allocation_note(board, meeting: Meeting, *, late: Meeting | None, first: Meeting | None, rolled: str) -> str:
    """Why a case is on ``meeting`` rather than an earlier one: ``late``, the board's first meeting whose cut-off has
    passed; ``first``, its first meeting whose cut-off has not (full, when earlier than ``meeting``)."""
    reasons = []
    if late is not None:
        reasons.append(
            f"submitted after the {board.submission_cutoff_hours} h cut-off of the meeting of {late.local_start}"
        )
    if first is not None and first.starts_at < meeting.starts_at:
        reasons.append(f"the meeting of {first.local_start} is full")
    note = f"Rolled over to the meeting of {meeting.local_start}: {rolled}. " if rolled else ""
    note += f"Placed on a later meeting: {'; '.join(reasons)}." if reasons else ""
    return note.strip()


def agenda_allocate_many(*, case_ids: list[int], by=None) -> dict[int, AgendaItem]:
    """Allocate submitted (or deferred) cases to meetings, ``case_ids`` in allocation order (``cases_waiting``'s:
    urgent first, then oldest), ``ALLOCATION_BATCH`` cases per transaction. A case in any other state, without a
    board or already holding a slot is skipped; one that fits nowhere stays waiting and the sweep retries. Returns the
    new items by case id."""
    placed: dict[int, AgendaItem] = {}
    for start in range(0, len(case_ids), ALLOCATION_BATCH):
        placed |= _allocate_batch(case_ids[start : start + ALLOCATION_BATCH], by=by)
    return placed


@transaction.atomic
def _allocate_batch(case_ids: list[int], *, by) -> dict[int, AgendaItem]:
    waiting = cases_locked().filter(
        pk__in=case_ids, status__in=[CaseStatus.SUBMITTED, CaseStatus.DEFERRED], board__isnull=False
    )
    locked = {case.pk: case for case in waiting.order_by("id")}  # in id order: concurrent passes queue, not deadlock
    holding = AgendaItem.objects.filter(case_id__in=locked, status=AgendaItemStatus.SCHEDULED)
    for case_id in holding.values_list("case_id", flat=True):
        del locked[case_id]
    return _allocate([locked[pk] for pk in dict.fromkeys(case_ids) if pk in locked], by=by, action="schedule")


def agenda_allocate(*, case_id: int, by=None) -> AgendaItem | None:
    """Allocate one submitted (or deferred) case (``agenda_allocate_many``): its item, or None when it was not
    waiting or fits nowhere yet."""
    return agenda_allocate_many(case_ids=[case_id], by=by).get(case_id)


def _roll(item: AgendaItem, *, by, why: str) -> Case:
    """Move one scheduled item's case on: scheduled → deferred → scheduled on the next meeting with room,
    each step recorded with why. A case with no room anywhere stays deferred (the sweep retries)."""
    case = cases_locked().get(pk=item.case_id)
    boards_lock_for_allocation([case.board_id])  # before the meeting's minutes are released: the allocation's order
    AGENDA_ITEM.apply(item, "roll-over")
    meeting_minutes_release(item)
    _agenda_changed(item.meeting_id)
    CASE.apply(case, "defer", by=by, note=f"Deferred: {why}.", fields={"meeting": None})
    placed = _allocate([case], by=by, action="roll-over", rolled=why, exclude_meeting_id=item.meeting_id).get(case.pk)
    if placed is not None:
        AgendaItem.objects.filter(pk=item.pk).update(rolled_to=placed.meeting, updated_at=timezone.now())
        return case
    second_opinion_slot_sync(case=case, by=by)  # no room anywhere: the requester's slot is gone for now
    review_tasks_cancel(item_ids=[item.pk], by=by)
    return case


def agenda_roll_over(*, meeting: Meeting, by, why: str) -> list[Case]:
    """Roll every case still scheduled on ``meeting`` to the next meeting, never dropping one."""
    items = AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.SCHEDULED).order_by("position")
    return [_roll(item, by=by, why=why) for item in items]


def agenda_defer_case(*, case: Case, by, reason: str) -> None:
    """The board defers one scheduled case to a later meeting (the case action ``defer``)."""
    item = AgendaItem.objects.select_for_update().filter(case=case, status=AgendaItemStatus.SCHEDULED).first()
    if item is None:
        CASE.apply(case, "defer", by=by, note=reason, fields={"meeting": None})
        return
    _roll(item, by=by, why=reason or "deferred by the board")


@transaction.atomic
def agenda_add(*, user, meeting: Meeting, case: Case, minutes: int | None = None) -> AgendaItem:
    """A coordinator puts a submitted or deferred case of the board on this meeting (cut-off aside)."""
    meeting = Meeting.objects.select_related("board").get(pk=meeting.pk)
    agenda_coordinator_check(user, meeting)
    agenda_open_check(meeting)
    case = case_lock(case)
    if case.board_id != meeting.board_id:
        raise ValidationError({"case": ["The case is not for this meeting's board."]})
    if AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED).exists():
        raise ValidationError({"case": ["The case is already on an agenda; move it instead."]})
    if case.status not in {CaseStatus.SUBMITTED, CaseStatus.DEFERRED}:
        raise Conflict(f"A {case.get_status_display().lower()} case cannot be put on an agenda.")
    minutes = minutes or meeting.board.minutes_per_case
    if not meeting_minutes_reserve(meeting.pk, minutes):
        raise Conflict("The meeting has no time left for this case.", code="capacity_exceeded")
    item = _place([_Placement(case, meeting, minutes, f"Added by {user.username}.")], by=user, action="schedule")[0]
    audit_write(user=user, action=AuditAction.CREATE, obj=item)
    return item


@transaction.atomic
def agenda_remove(*, user, item: AgendaItem, reason: str = "") -> AgendaItem:
    """Take a case off the agenda; it goes back to submitted, waiting for a coordinator or the sweep."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    agenda_coordinator_check(user, item.meeting)
    agenda_open_check(item.meeting)
    if item.status != AgendaItemStatus.SCHEDULED:
        return item
    AGENDA_ITEM.apply(item, "remove")
    meeting_minutes_release(item)
    case = cases_locked().get(pk=item.case_id)
    CASE.apply(case, "unschedule", by=user, note=reason, fields={"meeting": None})
    second_opinion_slot_sync(case=case, by=user)
    review_tasks_cancel(item_ids=[item.pk], by=user)
    _agenda_changed(item.meeting_id)
    audit_write(user=user, action=AuditAction.DELETE, obj=item, detail={"reason": reason})
    return item


@transaction.atomic
def agenda_move(*, user, item: AgendaItem, meeting: Meeting) -> AgendaItem:
    """Move a scheduled item to another open meeting of the same board, capacity permitting."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board", "case").get(pk=item.pk)
    agenda_coordinator_check(user, item.meeting)
    agenda_open_check(item.meeting)
    if item.status != AgendaItemStatus.SCHEDULED:
        raise Conflict("Only a scheduled item can be moved.")
    if meeting.board_id != item.meeting.board_id:
        raise ValidationError({"meeting": ["Move within the same board's meetings."]})
    if meeting.pk == item.meeting_id:
        return item
    agenda_open_check(meeting)
    if not meeting_minutes_reserve(meeting.pk, item.minutes):
        raise Conflict("The target meeting has no time left for this case.", code="capacity_exceeded")
    meeting_minutes_release(item)
    source = item.meeting
    AGENDA_ITEM.apply(item, "remove")  # off this agenda; the new item carries the history note
    new = AgendaItem.objects.create(
        meeting=meeting,
        case=item.case,
        position=agenda_positions_next([(meeting.pk, item.case.urgency)])[0],
        minutes=item.minutes,
        note=f"Moved from the meeting of {source.local_start} by {user.username}.",
    )
    Case.objects.filter(pk=item.case_id).update(meeting=meeting, updated_at=timezone.now())
    second_opinion_slot_sync(case=item.case, by=user)
    new.meeting = meeting
    review_tasks_move(item=item, to=new, by=user)
    _agenda_changed(source.pk, meeting.pk)
    audit_write(user=user, action=AuditAction.UPDATE, obj=new, detail={"moved_from": str(source.public_id)})
    return new


@transaction.atomic
def agenda_reorder(*, user, meeting: Meeting, item_ids: list) -> list[AgendaItem]:
    """Set the order of the scheduled items (scheduling/agenda.py); the meeting's packet follows."""
    items = agenda_rows.agenda_reorder(user=user, meeting=meeting, item_ids=item_ids)
    _agenda_changed(meeting.pk)
    return items


@transaction.atomic
def agenda_item_resize(*, user, item: AgendaItem, minutes: int) -> AgendaItem:
    """Give one case more or fewer minutes (scheduling/agenda.py); the meeting's packet follows."""
    item = agenda_rows.agenda_item_resize(user=user, item=item, minutes=minutes)
    _agenda_changed(item.meeting_id)
    return item


def _present(item: AgendaItem, *, case: Case, by) -> None:
    """Mark a locked, scheduled item of an in-progress meeting presented: its locked case is discussed."""
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise Conflict("Cases are presented while the meeting is in progress.")
    AGENDA_ITEM.apply(item, "present")
    CASE.apply(case, "discuss", by=by)
    review_tasks_cancel(item_ids=[item.pk], by=by)  # the board has discussed it: a review not done is moot


@transaction.atomic
def agenda_item_presented(*, user, item: AgendaItem) -> AgendaItem:
    """In run mode: the board has discussed this case (scheduled → discussed)."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    agenda_coordinator_check(user, item.meeting)
    if item.status == AgendaItemStatus.PRESENTED:
        return item
    if item.status != AgendaItemStatus.SCHEDULED:
        raise Conflict("The item is no longer on the agenda.")
    _present(item, case=cases_locked().get(pk=item.case_id), by=user)
    return item


def agenda_present_case(*, case: Case, by) -> Meeting:
    """The board records its recommendation for a scheduled case during its meeting: the case's item is
    presented (scheduled → discussed) and its meeting returned. The caller holds the case's row lock and
    has checked that ``by`` may record the board plan. 409 when the case's meeting is not in progress."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .filter(case=case, status=AgendaItemStatus.SCHEDULED)
        .first()
    )
    if item is None:
        raise Conflict("The case is not on a meeting's agenda.")
    _present(item, case=case, by=by)
    return item.meeting


def agenda_release_for_case(*, case: Case, by=None) -> None:
    """The case left the agenda's flow (withdrawn, information requested): free its slot."""
    items = list(AgendaItem.objects.select_for_update().filter(case=case, status=AgendaItemStatus.SCHEDULED))
    for item in items:
        AGENDA_ITEM.apply(item, "remove")
        meeting_minutes_release(item)
    review_tasks_cancel(item_ids=[item.pk for item in items], by=by)
    case.meeting = None  # written with the case's next status
    second_opinion_slot_sync(case=case, by=None)


@transaction.atomic
def meeting_transition(
    *, user, meeting: Meeting, action_name: str, reason: str = "", confirm: bool = False
) -> tuple[Meeting, bool]:
    """start / complete / cancel (scheduling's ``meeting_status_change``: an early start or one with the quorum
    missing, and any cancellation, need ``confirm`` and a ``reason``). Completing rolls the cases not presented to
    the next meeting; cancelling rolls the whole agenda. Each rolled case's note names the meeting it went to."""
    if action_name in {"complete", "cancel"}:
        boards_lock_for_allocation([meeting.board_id])  # before the meeting's lock: the allocation's order
    meeting, changed = meeting_status_change(
        user=user, meeting=meeting, action_name=action_name, reason=reason, confirm=confirm
    )
    if changed and action_name in {"complete", "cancel"}:
        why = "not presented at" if action_name == "complete" else "cancellation of"
        agenda_roll_over(meeting=meeting, by=user, why=f"{why} the meeting of {meeting.local_start}")
    return meeting, changed
