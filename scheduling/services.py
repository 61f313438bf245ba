"""Every write to boards and meetings. A meeting's status changes here; what it means for the cases on its
agenda (the roll-over) is the case's lifecycle (cases/lifecycle/agenda.py). Every change is audited or
recorded as a transition row."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from scheduling.attendance import enqueue_invitations
from scheduling.cme import credit_validate
from scheduling.models import Board, Meeting, MeetingStatus
from scheduling.quorum import meeting_quorum
from scheduling.recurrence import (
    MAX_HORIZON,
    RecurrenceError,
    first_occurrence,
    occurrences,
    parse_timezone,
    shortest_interval,
)
from scheduling.states import MEETING
from specialists.access import can_create_board, is_board_coordinator
from specialists.models import BoardMembership, BoardRole, Specialty, User
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

BOARD_FIELDS = (
    "name", "disease_sites", "required_specialties", "recurrence", "timezone", "start_time", "duration_minutes",
    "minutes_per_case", "submission_cutoff_hours", "video_url", "cme_hours", "cme_accrediting_body",
    "cme_activity_id",
)  # fmt: skip


TIMING_FIELDS = {"recurrence", "timezone", "start_time", "duration_minutes"}


GENERATION_WEEKS = 8


def _board_validate(board: Board) -> None:
    """The rules a board's schedule and its credit settings must satisfy, each reported on its field."""
    errors: dict[str, list[str]] = credit_validate(board)
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


@transaction.atomic
def board_create(*, user, data: dict[str, Any]) -> Board:
    """A new board of the user's institution; its creator becomes its coordinator."""
    institution = data.pop("institution", None) or user.institution
    if institution is None or not can_create_board(user, institution.pk):
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


def meeting_start_concerns(meeting: Meeting) -> list[str]:
    """Why starting ``meeting`` now needs a confirmation: its day (in the board's time zone) has not come, or a
    required specialty has no accepted invitation (the quorum as ``meeting_quorum`` counts it before the start)."""
    concerns = []
    tz = ZoneInfo(meeting.board.timezone)
    day, today = meeting.starts_at.astimezone(tz).date(), timezone.now().astimezone(tz).date()
    if day > today:
        days = (day - today).days
        concerns.append(
            f"the meeting is on {day:%Y-%m-%d} ({meeting.board.timezone}), "
            f"{days} day{'s' if days > 1 else ''} from today"
        )
    quorum = meeting_quorum(meeting, meeting.attendances.select_related("user"))
    if not quorum.met:
        labels = dict(Specialty.choices)
        concerns.append(f"its quorum is missing {', '.join(labels.get(c, c) for c in quorum.missing)}")
    return concerns


def _confirmation_check(meeting: Meeting, action_name: str, *, confirm: bool, reason: str) -> str:
    """The confirmations a start or a cancellation needs; returns the note the transition keeps."""
    reason = reason.strip()
    if action_name == "cancel":
        errors = {}
        if not reason:
            errors["reason"] = ["Say why the meeting is cancelled."]
        if not confirm:
            errors["confirm"] = ["Confirm the cancellation: the invitees are told and the agenda moves on."]
        if errors:
            raise ValidationError(errors)
        return reason
    if action_name != "start":
        return reason
    concerns = meeting_start_concerns(meeting)
    if concerns and not confirm:
        raise Conflict(
            f"Starting now needs a confirmation: {'; '.join(concerns)}. Confirm with a reason to start anyway.",
            code="start_needs_confirmation",
        )
    if confirm and not reason:
        raise ValidationError({"reason": ["Say why the meeting starts anyway."]})
    if concerns:
        return f"{reason} (confirmed: {'; '.join(concerns)})"
    return reason


@transaction.atomic
def meeting_status_change(
    *, user, meeting: Meeting, action_name: str, reason: str = "", confirm: bool = False
) -> tuple[Meeting, bool]:
    """start / complete / cancel a meeting: its status, and the invitations' cancellation. Repeats are no-ops; anything
    else from the wrong state is a 409. Starting before the meeting's day or with its quorum missing is a 409 unless
    ``confirm`` with a ``reason`` (kept with the transition, with what was confirmed); cancelling needs both.
    The lifecycle's ``meeting_transition`` calls this and rolls the agenda over."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    refusal = Conflict(f"Cannot {action_name} a meeting that is {meeting.get_status_display().lower()}.")
    permitted = is_board_coordinator(user, meeting.board_id)
    if not MEETING.guard(meeting, action_name, permitted=permitted, who="the board's coordinators", refusal=refusal):
        return meeting, False
    note = _confirmation_check(meeting, action_name, confirm=confirm, reason=reason)
    fields = {"sequence": meeting.sequence + 1} if action_name == "cancel" else {}
    MEETING.apply(meeting, action_name, by=user, note=note, fields=fields, refusal=refusal)
    if action_name == "cancel" and meeting.attendances.exists():
        enqueue_invitations(meeting)  # METHOD:CANCEL to everyone invited
    return meeting, True


def _board_locked_for_coordinator(user, board: Board) -> Board:
    board = Board.objects.select_for_update().get(pk=board.pk)
    if not is_board_coordinator(user, board.pk):
        raise PermissionDenied("Only the board's coordinators change its members.")
    return board


def _keeps_a_coordinator(board: Board, *, leaving: User, field: str) -> None:
    others = BoardMembership.objects.filter(board=board, role=BoardRole.COORDINATOR).exclude(user=leaving)
    if not others.exists():
        message = f"{leaving.name} is the board's only coordinator: make another member coordinator first."
        raise ValidationError({field: [message]})


@transaction.atomic
def board_member_set(*, user, board: Board, member: User, role: str) -> BoardMembership:
    """Add ``member`` to the board with ``role``, or change their role. Only active people of the board's
    institution join it; the board always keeps a coordinator."""
    board = _board_locked_for_coordinator(user, board)
    if role not in BoardRole.values:
        raise ValidationError({"role": ["Choose member, chair or coordinator."]})
    if not member.is_active or member.institution_id != board.institution_id:
        raise ValidationError({"user": ["Only active colleagues of the board's institution join it."]})
    membership = BoardMembership.objects.filter(board=board, user=member).first()
    if membership is not None and membership.role == role:
        return membership
    if membership is not None and membership.role == BoardRole.COORDINATOR:
        _keeps_a_coordinator(board, leaving=member, field="role")
    before = membership.role if membership is not None else None
    membership, _ = BoardMembership.objects.update_or_create(board=board, user=member, defaults={"role": role})
    detail = {"member": str(member.public_id), "role": role, "was": before}
    audit_write(user=user, action=AuditAction.UPDATE, obj=board, detail=detail)
    return membership


@transaction.atomic
def board_member_remove(*, user, board: Board, member: User) -> bool:
    """Take ``member`` off the board (a no-op when they are not on it); never its last coordinator."""
    board = _board_locked_for_coordinator(user, board)
    membership = BoardMembership.objects.filter(board=board, user=member).first()
    if membership is None:
        return False
    if membership.role == BoardRole.COORDINATOR:
        _keeps_a_coordinator(board, leaving=member, field="member")
    membership.delete()
    audit_write(
        user=user, action=AuditAction.UPDATE, obj=board, detail={"member": str(member.public_id), "removed": True}
    )
    return True
