"""Every write to boards, meetings and agendas. Transactions, row locks and compare-and-set keep
capacity exact under concurrent allocation; every change is audited or recorded as a transition row."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from cases.codes import CaseStatus, Urgency
from cases.models import Case
from cases.packets import packet_request
from cases.second_opinions import second_opinion_slot_sync
from cases.states import CASE
from scheduling.models import AgendaItem, AgendaItemStatus, Board, Meeting, MeetingStatus
from scheduling.recurrence import (
    MAX_HORIZON,
    RecurrenceError,
    first_occurrence,
    occurrences,
    parse_timezone,
    shortest_interval,
)
from scheduling.states import AGENDA_ITEM, MEETING
from specialists.models import BoardMembership, BoardRole
from tumorboard.access import coordinated_board_ids, is_admin, is_board_coordinator
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

BOARD_FIELDS = (
    "name", "disease_sites", "required_specialties", "recurrence", "timezone", "start_time", "duration_minutes",
    "minutes_per_case", "submission_cutoff_hours", "video_url",
)  # fmt: skip
TIMING_FIELDS = {"recurrence", "timezone", "start_time", "duration_minutes"}
GENERATION_WEEKS = 8


# --- Boards ----------------------------------------------------------------------------------------------


def _board_validate(board: Board) -> None:
    """The rules a board's schedule must satisfy, each reported on its field."""
    errors: dict[str, list[str]] = {}
    try:
        parse_timezone(board.timezone)
    except RecurrenceError as exc:
        errors["timezone"] = [str(exc)]
    if board.recurrence and "timezone" not in errors:
        today = timezone.now().astimezone(parse_timezone(board.timezone)).replace(tzinfo=None)
        try:
            if first_occurrence(board.recurrence, after=today) is None:
                errors["recurrence"] = ["This rule gives no meeting in the next two years."]
        except RecurrenceError as exc:
            errors["recurrence"] = [str(exc)]
    if board.minutes_per_case > board.duration_minutes:
        errors["minutes_per_case"] = ["A case cannot take longer than the whole meeting."]
    if board.recurrence and not errors:
        gap = shortest_interval(board)
        if gap is not None and datetime.timedelta(hours=board.submission_cutoff_hours) >= gap:
            hours = gap.total_seconds() / 3600
            errors["submission_cutoff_hours"] = [
                f"The cut-off ({board.submission_cutoff_hours} h) must be shorter than the interval between "
                f"meetings ({hours:g} h)."
            ]
        elif gap is not None and datetime.timedelta(minutes=board.duration_minutes) > gap:
            errors["duration_minutes"] = ["A meeting would last past the start of the next one."]
    if errors:
        raise ValidationError(errors)


def _can_create_board(user, institution_id: int) -> bool:
    if is_admin(user):
        return True
    return user.institution_id == institution_id and bool(coordinated_board_ids(user))


@transaction.atomic
def board_create(*, user, data: dict[str, Any]) -> Board:
    """A new board of the user's institution; its creator becomes its coordinator."""
    institution = data.pop("institution", None) or user.institution
    if institution is None or not _can_create_board(user, institution.pk):
        raise PermissionDenied("Only coordinators of the institution's boards create boards.")
    board = Board(institution=institution, **{f: data[f] for f in BOARD_FIELDS if f in data})
    _board_validate(board)
    if Board.objects.filter(institution=institution, name=board.name).exists():
        raise ValidationError({"name": ["Your institution already has a board with this name."]})
    board.save()
    BoardMembership.objects.get_or_create(user=user, board=board, defaults={"role": BoardRole.COORDINATOR})
    audit_write(user=user, action=AuditAction.CREATE, obj=board)
    if board.recurrence:
        meetings_generate(board=board, until=timezone.now() + datetime.timedelta(weeks=GENERATION_WEEKS))
    return board


@transaction.atomic
def board_update(*, user, board: Board, data: dict[str, Any]) -> Board:
    """Change a board. A new schedule replaces the future generated meetings that hold no case yet."""
    board = Board.objects.select_for_update().get(pk=board.pk)
    if not is_board_coordinator(user, board.pk):
        raise PermissionDenied("Only the board's coordinators change it.")
    changed = sorted(f for f in BOARD_FIELDS if f in data and getattr(board, f) != data[f])
    for field in changed:
        setattr(board, field, data[field])
    _board_validate(board)
    if "name" in changed and Board.objects.filter(institution=board.institution, name=board.name).exclude(pk=board.pk):
        raise ValidationError({"name": ["Your institution already has a board with this name."]})
    board.save()
    if TIMING_FIELDS & set(changed):
        empty_future = Meeting.objects.filter(
            board=board, one_off=False, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
        ).exclude(agenda_items__isnull=False)
        empty_future.delete()
        if board.recurrence:
            meetings_generate(board=board, until=timezone.now() + datetime.timedelta(weeks=GENERATION_WEEKS))
    audit_write(user=user, action=AuditAction.UPDATE, obj=board, detail={"fields": changed})
    return board


# --- Meetings --------------------------------------------------------------------------------------------


def meetings_generate(*, board: Board, until: datetime.datetime, start: datetime.datetime | None = None) -> int:
    """Create the board's meetings from now (or ``start``) up to ``until``. Idempotent: returns how many
    were new. The unique (board, starts_at) constraint makes concurrent runs safe too."""
    now = timezone.now()
    start = max(start or now, now)
    if until - now > MAX_HORIZON:
        raise ValidationError({"until": ["Generate at most two years ahead."]})
    if not board.recurrence:
        raise ValidationError({"recurrence": ["The board has no recurrence; add one-off meetings instead."]})
    if until <= start:
        return 0
    duration = datetime.timedelta(minutes=board.duration_minutes)
    rows = [
        Meeting(
            board=board,
            starts_at=starts_at,
            ends_at=starts_at + duration,
            capacity_minutes=board.duration_minutes,
        )
        for starts_at in occurrences(board, start, until)
    ]
    existing = set(
        Meeting.objects.filter(board=board, starts_at__in=[m.starts_at for m in rows]).values_list(
            "starts_at", flat=True
        )
    )
    new = [m for m in rows if m.starts_at not in existing]
    Meeting.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def meetings_generate_by(*, user, board: Board, until: datetime.datetime) -> int:
    """A coordinator generates the board's meetings up to ``until`` (idempotent)."""
    if not is_board_coordinator(user, board.pk):
        raise PermissionDenied("Only the board's coordinators generate its meetings.")
    created = meetings_generate(board=board, until=until)
    audit_write(user=user, action=AuditAction.UPDATE, obj=board, detail={"generated": created})
    return created


@transaction.atomic
def meeting_create_one_off(
    *, user, board: Board, starts_at: datetime.datetime, duration_minutes: int | None
) -> Meeting:
    if not is_board_coordinator(user, board.pk):
        raise PermissionDenied("Only the board's coordinators add meetings.")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": ["A meeting is scheduled in the future."]})
    minutes = duration_minutes or board.duration_minutes
    if Meeting.objects.filter(board=board, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": ["The board already meets at that time."]})
    meeting = Meeting.objects.create(
        board=board,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        capacity_minutes=minutes,
        one_off=True,
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=meeting)
    return meeting


@transaction.atomic
def meeting_transition(*, user, meeting: Meeting, action_name: str, reason: str = "") -> tuple[Meeting, bool]:
    """start / complete / cancel. Completing rolls the cases not presented to the next meeting;
    cancelling rolls the whole agenda. Repeats are no-ops; anything else from the wrong state is a 409."""
    transition = MEETING[action_name]
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    if not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied(f"Only the board's coordinators {action_name} its meetings.")
    if transition.is_done(meeting.status):
        return meeting, False
    refusal = Conflict(f"Cannot {action_name} a meeting that is {meeting.get_status_display().lower()}.")
    if meeting.status not in transition.sources:
        raise refusal
    if action_name == "cancel" and not reason.strip():
        raise ValidationError({"reason": ["Say why the meeting is cancelled."]})
    fields = {"sequence": meeting.sequence + 1} if action_name == "cancel" else {}
    MEETING.apply(meeting, action_name, by=user, note=reason, fields=fields, refusal=refusal)
    if action_name in {"complete", "cancel"}:
        why = "not presented at" if action_name == "complete" else "cancellation of"
        agenda_roll_over(meeting=meeting, by=user, why=f"{why} the meeting of {meeting.local_start}")
    if action_name == "cancel" and meeting.attendances.exists():
        from scheduling.attendance import enqueue_invitations

        enqueue_invitations(meeting)  # METHOD:CANCEL to everyone invited
    return meeting, True


# --- Agenda ----------------------------------------------------------------------------------------------


def _next_position(meeting: Meeting, urgency: str) -> int:
    """Urgent cases go after the urgent cases already there and before every routine one."""
    scheduled = AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.SCHEDULED)
    if urgency == Urgency.URGENT:
        last_urgent = scheduled.filter(case__urgency=Urgency.URGENT).aggregate(p=Max("position"))["p"]
        position = (last_urgent or 0) + 1
        scheduled.filter(position__gte=position).update(position=F("position") + 1)
        return position
    return (scheduled.aggregate(p=Max("position"))["p"] or 0) + 1


def _reserve(meeting_id: int, minutes: int) -> bool:
    """Compare-and-set: take ``minutes`` of the meeting's capacity if they are free. The UPDATE's row lock
    serialises concurrent allocations to one meeting until the transaction ends."""
    return bool(
        Meeting.objects.filter(
            pk=meeting_id,
            status=MeetingStatus.SCHEDULED,
            allocated_minutes__lte=F("capacity_minutes") - minutes,
        ).update(allocated_minutes=F("allocated_minutes") + minutes)
    )


def _release(item: AgendaItem) -> None:
    Meeting.objects.filter(pk=item.meeting_id).update(allocated_minutes=F("allocated_minutes") - item.minutes)


def _place(*, case: Case, meeting: Meeting, minutes: int, note: str, by, action: str) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        position=_next_position(meeting, case.urgency),
        minutes=minutes,
        note=note,
    )
    CASE.apply(case, action, by=by, note=note, fields={"meeting": meeting})
    packet_request(case=case, reason="placed on a meeting")
    second_opinion_slot_sync(case=case, by=by)
    return item


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


def agenda_place(*, case: Case, by, meeting: Meeting | None = None) -> AgendaItem | None:
    """Put a locked, submitted case of a board on ``meeting`` (409 when it has no room), or else on the
    earliest meeting with room, the submission cut-off aside (an accepted second opinion: the coordinator
    chose it). None when no meeting has room: the case waits for the allocation sweep."""
    minutes = case.board.minutes_per_case
    if meeting is not None:
        if meeting.board_id != case.board_id or meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"meeting": ["Choose a scheduled meeting of the board."]})
        if not _reserve(meeting.pk, minutes):
            raise Conflict("The meeting has no time left for this case.", code="capacity_exceeded")
        return _place(case=case, meeting=meeting, minutes=minutes, note="", by=by, action="schedule")
    while (meeting := meeting_with_room(board=case.board, minutes=minutes)) is not None:
        if _reserve(meeting.pk, minutes):
            return _place(case=case, meeting=meeting, minutes=minutes, note="", by=by, action="schedule")
    return None


def _candidates(case: Case, *, exclude_meeting_id: int | None = None):
    meetings = Meeting.objects.filter(
        board_id=case.board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).select_related("board")
    if exclude_meeting_id:
        meetings = meetings.exclude(pk=exclude_meeting_id)
    return meetings.order_by("starts_at", "id")


def _allocate(case: Case, *, by, action: str, prefix: str = "", exclude_meeting_id: int | None = None):
    """Put a locked case on the earliest meeting of its board whose cut-off has not passed and that has
    time left. Returns the item (its note says why it is not on an earlier meeting), or None.

    Full meetings are filtered out by the database, so one allocation costs a few indexed queries
    whatever the number of meetings; a lost compare-and-set race simply looks again.
    """
    board = case.board
    minutes = board.minutes_per_case
    open_from = timezone.now() + datetime.timedelta(hours=board.submission_cutoff_hours)
    meetings = _candidates(case, exclude_meeting_id=exclude_meeting_id)
    while True:
        meeting = meetings.filter(
            starts_at__gt=open_from, allocated_minutes__lte=F("capacity_minutes") - minutes
        ).first()
        if meeting is None:
            return None
        if _reserve(meeting.pk, minutes):
            break
    reasons = []
    late = meetings.filter(starts_at__lte=open_from).first()
    if late is not None:
        reasons.append(
            f"submitted after the {board.submission_cutoff_hours} h cut-off of the meeting of {late.local_start}"
        )
    full = meetings.filter(starts_at__gt=open_from, starts_at__lt=meeting.starts_at).first()
    if full is not None:
        reasons.append(f"the meeting of {full.local_start} is full")
    note = prefix + (f"Placed on a later meeting: {'; '.join(reasons)}." if reasons else "")
    return _place(case=case, meeting=meeting, minutes=minutes, note=note.strip(), by=by, action=action)


@transaction.atomic
def agenda_allocate(*, case_id: int, by=None) -> AgendaItem | None:
    """Allocate a submitted (or deferred) case to a meeting; a no-op for any other state or when the
    case already holds a slot. A case that fits nowhere stays waiting and the allocation sweep retries."""
    case = Case.objects.select_for_update(of=("self",)).select_related("board").filter(pk=case_id).first()
    if case is None or case.board_id is None or case.status not in {CaseStatus.SUBMITTED, CaseStatus.DEFERRED}:
        return None
    if AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED).exists():
        return None
    return _allocate(case, by=by, action="schedule")


def _roll(item: AgendaItem, *, by, why: str) -> Case:
    """Move one scheduled item's case on: scheduled → deferred → scheduled on the next meeting with room,
    each step recorded with why. A case with no room anywhere stays deferred (the sweep retries)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("board").get(pk=item.case_id)
    AGENDA_ITEM.apply(item, "roll-over")
    _release(item)
    CASE.apply(case, "defer", by=by, note=f"Deferred: {why}.", fields={"meeting": None})
    if _allocate(case, by=by, action="roll-over", prefix=f"Rolled over: {why}. ", exclude_meeting_id=item.meeting_id):
        return case
    second_opinion_slot_sync(case=case, by=by)  # no room anywhere: the requester's slot is gone for now
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


def _coordinator_check(user, meeting: Meeting) -> None:
    if not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied("Only the board's coordinators change its agendas.")


def _open_check(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(f"The agenda of a {meeting.get_status_display().lower()} meeting cannot change.")


@transaction.atomic
def agenda_add(*, user, meeting: Meeting, case: Case, minutes: int | None = None) -> AgendaItem:
    """A coordinator puts a submitted or deferred case of the board on this meeting (cut-off aside)."""
    meeting = Meeting.objects.select_related("board").get(pk=meeting.pk)
    _coordinator_check(user, meeting)
    _open_check(meeting)
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.board_id != meeting.board_id:
        raise ValidationError({"case": ["The case is not for this meeting's board."]})
    if AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED).exists():
        raise ValidationError({"case": ["The case is already on an agenda; move it instead."]})
    if case.status not in {CaseStatus.SUBMITTED, CaseStatus.DEFERRED}:
        raise Conflict(f"A {case.get_status_display().lower()} case cannot be put on an agenda.")
    minutes = minutes or meeting.board.minutes_per_case
    if not _reserve(meeting.pk, minutes):
        raise Conflict("The meeting has no time left for this case.", code="capacity_exceeded")
    item = _place(
        case=case, meeting=meeting, minutes=minutes, note=f"Added by {user.username}.", by=user, action="schedule"
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=item)
    return item


@transaction.atomic
def agenda_remove(*, user, item: AgendaItem, reason: str = "") -> AgendaItem:
    """Take a case off the agenda; it goes back to submitted, waiting for a coordinator or the sweep."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    _coordinator_check(user, item.meeting)
    _open_check(item.meeting)
    if item.status != AgendaItemStatus.SCHEDULED:
        return item
    AGENDA_ITEM.apply(item, "remove")
    _release(item)
    case = Case.objects.select_for_update(of=("self",)).get(pk=item.case_id)
    CASE.apply(case, "unschedule", by=user, note=reason, fields={"meeting": None})
    second_opinion_slot_sync(case=case, by=user)
    audit_write(user=user, action=AuditAction.DELETE, obj=item, detail={"reason": reason})
    return item


@transaction.atomic
def agenda_move(*, user, item: AgendaItem, meeting: Meeting) -> AgendaItem:
    """Move a scheduled item to another open meeting of the same board, capacity permitting."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board", "case").get(pk=item.pk)
    _coordinator_check(user, item.meeting)
    _open_check(item.meeting)
    if item.status != AgendaItemStatus.SCHEDULED:
        raise Conflict("Only a scheduled item can be moved.")
    if meeting.board_id != item.meeting.board_id:
        raise ValidationError({"meeting": ["Move within the same board's meetings."]})
    if meeting.pk == item.meeting_id:
        return item
    _open_check(meeting)
    if not _reserve(meeting.pk, item.minutes):
        raise Conflict("The target meeting has no time left for this case.", code="capacity_exceeded")
    _release(item)
    source = item.meeting
    AGENDA_ITEM.apply(item, "remove")  # off this agenda; the new item carries the history note
    new = AgendaItem.objects.create(
        meeting=meeting,
        case=item.case,
        position=_next_position(meeting, item.case.urgency),
        minutes=item.minutes,
        note=f"Moved from the meeting of {source.local_start} by {user.username}.",
    )
    Case.objects.filter(pk=item.case_id).update(meeting=meeting, updated_at=timezone.now())
    second_opinion_slot_sync(case=item.case, by=user)
    audit_write(user=user, action=AuditAction.UPDATE, obj=new, detail={"moved_from": str(source.public_id)})
    return new


@transaction.atomic
def agenda_reorder(*, user, meeting: Meeting, item_ids: list) -> list[AgendaItem]:
    """Set the order of the scheduled items: ``item_ids`` must name each of them exactly once."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    _coordinator_check(user, meeting)
    _open_check(meeting)
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
    _coordinator_check(user, item.meeting)
    _open_check(item.meeting)
    delta = minutes - item.minutes
    if delta > 0 and not _reserve(item.meeting_id, delta):
        raise Conflict("The meeting has no time left for that.", code="capacity_exceeded")
    if delta < 0:
        Meeting.objects.filter(pk=item.meeting_id).update(allocated_minutes=F("allocated_minutes") + delta)
    item.minutes = minutes
    item.save(update_fields=["minutes", "updated_at"])
    return item


def _present(item: AgendaItem, *, case: Case, by) -> None:
    """Mark a locked, scheduled item of an in-progress meeting presented: its locked case is discussed."""
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise Conflict("Cases are presented while the meeting is in progress.")
    AGENDA_ITEM.apply(item, "present")
    CASE.apply(case, "discuss", by=by)


@transaction.atomic
def agenda_item_presented(*, user, item: AgendaItem) -> AgendaItem:
    """In run mode: the board has discussed this case (scheduled → discussed)."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    _coordinator_check(user, item.meeting)
    if item.status == AgendaItemStatus.PRESENTED:
        return item
    if item.status != AgendaItemStatus.SCHEDULED:
        raise Conflict("The item is no longer on the agenda.")
    _present(item, case=Case.objects.select_for_update(of=("self",)).get(pk=item.case_id), by=user)
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


def presented_meetings(case: Case):
    """The meetings at which the case was presented, latest first."""
    return Meeting.objects.filter(agenda_items__case=case, agenda_items__status=AgendaItemStatus.PRESENTED).order_by(
        "-starts_at"
    )


def agenda_release_for_case(*, case: Case) -> None:
    """The case left the agenda's flow (withdrawn, information requested): free its slot."""
    for item in AgendaItem.objects.select_for_update().filter(case=case, status=AgendaItemStatus.SCHEDULED):
        AGENDA_ITEM.apply(item, "remove")
        _release(item)
    case.meeting = None  # written with the case's next status
    second_opinion_slot_sync(case=case, by=None)
