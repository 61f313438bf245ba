"""Telemedicine second opinions (SPEC §4, §5.5): request, routing, the coordinators' answers, the slot and
the remote guest, escalation. The review and the reports are in ``cases.reports``.

The request row is written first and every message is enqueued on commit; routing is a task, and the
sweep re-enqueues what a lost message left unrouted. Locks are taken case first, then request (as the
scheduling services do when an agenda change moves a request's slot), so nothing deadlocks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import SECOND_OPINION_OPEN, CaseStatus, DiseaseSite, SecondOpinionStatus, Urgency
from cases.models import Case, SecondOpinion, SecondOpinionTransition
from cases.states import CASE, SECOND_OPINION
from scheduling.attendance import guest_attendance_sync, guest_check_in, slot_starts_at
from scheduling.models import AgendaItem, AgendaItemStatus, Board
from specialists.models import BoardRole, InstitutionKind
from tumorboard.access import can_answer_second_opinion, can_request_second_opinion, is_second_opinion_requester
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.tasks import enqueue

SO = SecondOpinionStatus


def request_path(request: SecondOpinion) -> str:
    return f"/second-opinions/{request.public_id}/"


def remote_url(request: SecondOpinion) -> str:
    return f"{settings.SITE_URL}{request_path(request)}join/"


# --- Due dates ---------------------------------------------------------------------------------------------


def add_business_days(start: datetime.datetime, days: int, tz: datetime.tzinfo) -> datetime.datetime:
    """``start`` plus ``days`` working days (Monday to Friday) at the same wall-clock time in ``tz``.
    Public holidays are not known to the service."""
    current = start.astimezone(tz)
    added = 0
    while added < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def due_business_days(urgency: str) -> int:
    if urgency == Urgency.URGENT:
        return settings.SECOND_OPINION_DUE_BUSINESS_DAYS_URGENT
    return settings.SECOND_OPINION_DUE_BUSINESS_DAYS_ROUTINE


# --- Helpers -----------------------------------------------------------------------------------------------


def _lock(request: SecondOpinion) -> tuple[SecondOpinion, Case]:
    case = Case.objects.select_for_update(of=("self",)).select_related("board").get(pk=request.case_id)
    request = (
        SecondOpinion.objects.select_for_update(of=("self",))
        .select_related("board", "target_institution", "requested_by", "meeting")
        .get(pk=request.pk)
    )
    request.case = case
    return request, case


def _coordinators(request: SecondOpinion) -> list:
    """Who answers the request: its board's coordinators, or every coordinator of the target institution."""
    from specialists.models import BoardMembership

    memberships = BoardMembership.objects.filter(role=BoardRole.COORDINATOR).select_related("user")
    if request.board_id is not None:
        memberships = memberships.filter(board_id=request.board_id)
    else:
        memberships = memberships.filter(board__institution_id=request.target_institution_id)
    return [m.user for m in memberships]


def _requesters(request: SecondOpinion) -> list:
    case = request.case
    return [request.requested_by, case.created_by, case.treating_physician]


def _tell_coordinators(request: SecondOpinion, *, kind: str, subject: str, text: str) -> None:
    notify(recipients=_coordinators(request), kind=kind, subject=subject, path=request_path(request), text=text)


def _tell_requesters(request: SecondOpinion, *, kind: str, subject: str, text: str) -> None:
    notify(recipients=_requesters(request), kind=kind, subject=subject, path=request_path(request), text=text)


# --- Request and routing -----------------------------------------------------------------------------------


@transaction.atomic
def second_opinion_request(
    *, user, case: Case, target_institution, questions: list[str], reason: str, urgency: str
) -> SecondOpinion:
    """A hospital asks an academic institution's board about one of its draft cases. The request is
    committed first; routing runs as a task on commit."""
    from cases.tasks import second_opinion_route

    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if not can_request_second_opinion(user, case):
        raise PermissionDenied("Only the case's care team at its institution requests a second opinion.")
    if target_institution.kind != InstitutionKind.ACADEMIC_CENTER:
        raise ValidationError({"target_institution": ["Second opinions are requested from an academic center."]})
    if target_institution.pk == case.institution_id:
        raise ValidationError({"target_institution": ["Choose another institution than the case's own."]})
    questions = [q.strip() for q in questions]
    if not questions or not all(questions):
        raise ValidationError({"questions": ["Ask at least one question, none of them empty."]})
    if SecondOpinion.objects.filter(case=case, status__in=SECOND_OPINION_OPEN).exists():
        raise Conflict("This case already has an open second-opinion request.", code="second_opinion_open")
    if case.status != CaseStatus.DRAFT:
        raise Conflict(
            f"A second opinion is requested for a draft case; this one is {case.get_status_display().lower()}."
        )
    if case.board_id is not None:
        raise ValidationError({"case": ["The case is set for one of your boards; clear its board first."]})
    request = SecondOpinion.objects.create(
        case=case,
        requesting_institution_id=case.institution_id,
        target_institution=target_institution,
        requested_by=user,
        reason=reason.strip(),
        questions=questions,
        urgency=urgency,
    )
    SecondOpinionTransition.objects.create(
        request=request, from_status=SO.REQUESTED, to_status=SO.REQUESTED, action="request", by=user
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=request)
    enqueue(second_opinion_route, request.pk)
    return request


def _covering_boards(request: SecondOpinion, site: str) -> list:
    """The target institution's boards reviewing ``site``, the most specialised first."""
    boards = [b for b in Board.objects.filter(institution_id=request.target_institution_id) if site in b.disease_sites]
    return sorted(boards, key=lambda b: (len(b.disease_sites), b.name))


def _propose(board, due_at: datetime.datetime) -> tuple[Any, str]:
    from scheduling.services import meeting_with_room

    meeting = meeting_with_room(board=board, before=due_at)
    if meeting is not None:
        return meeting, f"Proposed meeting: {meeting.local_start}, before the due date."
    later = meeting_with_room(board=board)
    if later is not None:
        return later, f"No meeting has room before the due date; the earliest with room is {later.local_start}."
    return None, "No scheduled meeting of the board has room yet."


@transaction.atomic
def second_opinion_route(*, request_id: int) -> str:
    """Choose the target institution's board by the case's disease site, set the due date, propose the
    earliest meeting with room before it and tell the coordinators. Idempotent: a routed request (or one
    no longer open) is left alone. Returns what happened, for logs and tests."""
    request = SecondOpinion.objects.filter(pk=request_id).first()
    if request is None:
        return "skipped"
    request, case = _lock(request)
    if request.routed_at is not None or request.status not in SECOND_OPINION_OPEN:
        return "skipped"
    site = DiseaseSite(case.primary_site).label.lower()
    boards = _covering_boards(request, case.primary_site)
    board = boards[0] if boards else None
    tz = ZoneInfo(board.timezone) if board else timezone.get_default_timezone()
    request.due_at = add_business_days(request.created_at, due_business_days(request.urgency), tz)
    if board is not None:
        request.meeting, proposal = _propose(board, request.due_at)
        note = f"Routed to the {board.name} board, which reviews {site} cases. {proposal}"
        case.board = board
        case.save(update_fields=["board", "updated_at"])
    else:
        note = (
            f"No board of {request.target_institution.name} lists {site} cases: the institution's coordinators "
            "choose the board when they accept."
        )
    SECOND_OPINION.apply(
        request,
        "route",
        note=note,
        fields={
            "board": board,
            "meeting": request.meeting,
            "due_at": request.due_at,
            "routed_at": timezone.now(),
            "routing_note": note,
        },
    )
    urgent = "Urgent s" if request.urgency == Urgency.URGENT else "S"
    _tell_coordinators(
        request,
        kind="second_opinion_routed",
        subject=f"{urgent}econd-opinion request for {board.name if board else request.target_institution.name}",
        text="A hospital asks for a second opinion. Accept it, decline it or ask for more information:",
    )
    return "routed"


def second_opinions_unrouted(*, older_than: datetime.timedelta) -> list[int]:
    """Open requests a lost message left unrouted."""
    return list(
        SecondOpinion.objects.filter(
            routed_at__isnull=True,
            status__in=[SO.REQUESTED, SO.INFO_REQUESTED],
            created_at__lt=timezone.now() - older_than,
        ).values_list("pk", flat=True)
    )


# --- Actions -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestAction:
    name: str
    sources: frozenset[str]
    target: str
    requester: bool  # taken by the requesting side; else by the coordinators who answer the request
    done: frozenset[str] = frozenset()  # where a repeat is already done (a no-op); the target too

    def is_done(self, status: str) -> bool:
        return status == self.target or status in self.done


ACTIONS = {
    a.name: a
    for a in (
        RequestAction(
            "accept",
            frozenset({SO.REQUESTED}),
            SO.ACCEPTED,
            False,
            frozenset({SO.SCHEDULED, SO.REVIEWED, SO.REPORT_SENT}),
        ),
        RequestAction("decline", frozenset({SO.REQUESTED, SO.INFO_REQUESTED}), SO.DECLINED, False),
        RequestAction("request-info", frozenset({SO.REQUESTED}), SO.INFO_REQUESTED, False),
        RequestAction("provide-info", frozenset({SO.INFO_REQUESTED}), SO.REQUESTED, True),
        RequestAction(
            "cancel", frozenset({SO.REQUESTED, SO.INFO_REQUESTED, SO.ACCEPTED, SO.SCHEDULED}), SO.CANCELLED, True
        ),
    )
}


def _board_check(user, request: SecondOpinion, board):
    """The board an accept gives the request: the routed one unless the coordinator names another board of
    the target institution that they coordinate."""
    if board is None:
        if request.board is None:
            raise ValidationError({"board": ["No board reviews this disease site: choose the board."]})
        return request.board
    if board.institution_id != request.target_institution_id or not can_answer_second_opinion(user, request, board.pk):
        raise ValidationError({"board": ["Choose a board of the target institution that you coordinate."]})
    return board


def _accept(user, request: SecondOpinion, case: Case, *, board, meeting) -> None:
    from scheduling.services import agenda_place

    board = _board_check(user, request, board)
    if meeting is not None and meeting.board_id != board.pk:
        raise ValidationError({"meeting": ["Choose a meeting of the board that reviews the case."]})
    proposed = request.meeting if board.pk == request.board_id else None
    CASE.apply(case, "submit", by=user, note="second opinion", fields={"board": board, "submitted_at": timezone.now()})
    SECOND_OPINION.apply(request, "accept", by=user, fields={"board": board, "meeting": proposed})
    # the chosen meeting (409 when full), else the proposed one if it still has room, else the earliest
    placed = None
    if meeting is None and proposed is not None and proposed.starts_at > timezone.now():
        try:
            with transaction.atomic():
                placed = agenda_place(case=case, by=user, meeting=proposed)
        except (Conflict, ValidationError):
            placed = None
    if placed is None:
        agenda_place(case=case, by=user, meeting=meeting)  # none with room: the allocation sweep places it
    _tell_requesters(
        request,
        kind="second_opinion_accepted",
        subject="Your second-opinion request was accepted",
        text="The tumor board accepted your second-opinion request. Its status and the meeting:",
    )


def _release(user, request: SecondOpinion, case: Case, why: str) -> None:
    """The request ends before the board reviewed the case: the board gives the case back."""
    from scheduling.services import agenda_release_for_case

    guest_attendance_sync(case=case, user=request.requested_by, meeting=None)
    if case.status == CaseStatus.DRAFT:
        case.board = None
        case.save(update_fields=["board", "updated_at"])
    elif case.status in {CaseStatus.SUBMITTED, CaseStatus.SCHEDULED, CaseStatus.DEFERRED, CaseStatus.INFO_REQUESTED}:
        agenda_release_for_case(case=case)
        CASE.apply(case, "withdraw", by=user, note=why, fields={"meeting": None})


def _may_take(user, request: SecondOpinion, action: RequestAction) -> bool:
    allowed = is_second_opinion_requester if action.requester else can_answer_second_opinion
    return allowed(user, request)


def second_opinion_actions_open(user, request: SecondOpinion) -> set[str]:
    """The actions ``user`` may take on ``request`` now: their side's, allowed from its status, and for the
    coordinators only once it is routed (what ``second_opinion_transition`` would not refuse)."""
    return {
        action.name
        for action in ACTIONS.values()
        if request.status in action.sources
        and (action.requester or request.routed_at is not None)
        and _may_take(user, request, action)
    }


@transaction.atomic
def second_opinion_transition(
    *, user, request: SecondOpinion, action_name: str, message: str = "", board=None, meeting=None
) -> tuple[SecondOpinion, bool]:
    """Apply an action of SPEC §4 to a request. Returns (request, changed); a repeat of a done action
    changes nothing. 409 when not allowed from the current status; 403 when the user sees the request but
    is not on the side that takes this action."""
    action = ACTIONS[action_name]
    request, case = _lock(request)
    if not _may_take(user, request, action):
        who = "the requesting physicians" if action.requester else "the coordinators of the board it was routed to"
        raise PermissionDenied(f"Only {who} may {action.name.replace('-', ' ')} this request.")
    if action.is_done(request.status):
        return request, False
    if request.status not in action.sources:
        raise Conflict(
            f"Cannot {action.name.replace('-', ' ')} a request that is {request.get_status_display().lower()}; "
            f"allowed from: {', '.join(sorted(action.sources))}."
        )
    message = message.strip()
    if action.name in {"decline", "request-info"} and not message:
        field = "reason" if action.name == "decline" else "message"
        raise ValidationError({field: ["Say why." if action.name == "decline" else "Say what is needed."]})
    if not action.requester and request.routed_at is None:
        raise Conflict("The request is still being routed; try again in a moment.", code="not_routed")
    if action.name == "accept":
        _accept(user, request, case, board=board, meeting=meeting)
        return request, True
    SECOND_OPINION.apply(request, action.name, by=user, note=message)
    if action.name in {"decline", "cancel"}:
        _release(user, request, case, f"Second opinion {action.target}.")
    _after(request, action)
    return request, True


# Who is told after an action (the other side), and what: (to the requesters?, kind, subject, text).
NOTICES = {
    "decline": (
        True,
        "second_opinion_declined",
        "Your second-opinion request was declined",
        "The tumor board declined your second-opinion request. The reason is on the request:",
    ),
    "request-info": (
        True,
        "second_opinion_info_requested",
        "The tumor board asks for more information",
        "The board needs more information before it can accept your second-opinion request:",
    ),
    "provide-info": (
        False,
        "second_opinion_info_provided",
        "A second-opinion request has the information you asked for",
        "The requesting physicians answered your request for information:",
    ),
    "cancel": (
        False,
        "second_opinion_cancelled",
        "A second-opinion request was cancelled",
        "The requesting physicians cancelled a second-opinion request:",
    ),
}


def _after(request: SecondOpinion, action: RequestAction) -> None:
    to_requesters, kind, subject, text = NOTICES[action.name]
    tell = _tell_requesters if to_requesters else _tell_coordinators
    tell(request, kind=kind, subject=subject, text=text)


def second_opinions_cancel_for_case(*, case: Case, by, reason: str) -> None:
    """The care team withdrew the case (case action ``withdraw``, the case locked): its open request ends."""
    for request in SecondOpinion.objects.filter(case=case, status__in=ACTIONS["cancel"].sources):
        request, _ = _lock(request)
        SECOND_OPINION.apply(request, "cancel", by=by, note=reason or "The case was withdrawn.")
        guest_attendance_sync(case=case, user=request.requested_by, meeting=None)
        _after(request, ACTIONS["cancel"])
    if case.status == CaseStatus.DRAFT and case.board_id is not None:
        case.board = None  # the board never took the case on: it no longer sees it
        case.save(update_fields=["board", "updated_at"])


def second_opinion_submit_check(case: Case) -> None:
    """A case waiting for the board's answer to a second opinion is submitted by the board's accept."""
    if SecondOpinion.objects.filter(case=case, status__in=[SO.REQUESTED, SO.INFO_REQUESTED]).exists():
        raise Conflict("The case awaits the board's answer to its second-opinion request.", code="second_opinion_open")


def second_opinion_open_for(case: Case) -> bool:
    return SecondOpinion.objects.filter(case=case, status__in=SECOND_OPINION_OPEN).exists()


# --- The slot and the remote guest -----------------------------------------------------------------------------


def _slot_items(case_id: int):
    return AgendaItem.objects.filter(case_id=case_id, status=AgendaItemStatus.SCHEDULED).select_related(
        "meeting__board", "case"
    )


def second_opinion_slot(request: SecondOpinion) -> AgendaItem | None:
    """The agenda item holding the case's slot while the request is scheduled."""
    return _slot_items(request.case_id).first() if request.status == SO.SCHEDULED else None


def second_opinion_slot_sync(*, case: Case, by) -> None:
    """An agenda change moved a locked case: its accepted request follows (scheduled on the meeting holding
    the slot, back to accepted when it has none) and so does the requester's guest invitation."""
    request = (
        SecondOpinion.objects.select_for_update(of=("self",))
        .select_related("requested_by", "case__created_by", "case__treating_physician")
        .filter(case=case, status__in=[SO.ACCEPTED, SO.SCHEDULED])
        .first()
    )
    if request is None:
        return
    item = _slot_items(case.pk).first()
    meeting = item.meeting if item is not None else None
    guest_attendance_sync(case=case, user=request.requested_by, meeting=meeting)
    if meeting is not None and (request.status != SO.SCHEDULED or request.meeting_id != meeting.pk):
        note = f"Meeting of {meeting.local_start}."
        SECOND_OPINION.apply(request, "schedule", by=by, note=note, fields={"meeting": meeting})
        _tell_requesters(
            request,
            kind="second_opinion_scheduled",
            subject="Your case is on a tumor-board agenda",
            text="The board will discuss your case. The meeting, your slot and the link to join remotely:",
        )
    elif meeting is None and request.status == SO.SCHEDULED:
        note = "The case left the meeting."
        SECOND_OPINION.apply(request, "unschedule", by=by, note=note, fields={"meeting": None})


@transaction.atomic
def second_opinion_join(*, user, request: SecondOpinion) -> dict[str, Any]:
    """The requester joins the meeting remotely for their case's slot: recorded as a guest for that case
    only. Returns the video link and when the slot should start, and nothing about other cases."""
    if not is_second_opinion_requester(user, request):
        raise PermissionDenied("The link is for the requesting physicians; board members join the meeting itself.")
    request = SecondOpinion.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != SO.SCHEDULED:
        raise Conflict("The case has no slot on a meeting.", code="not_scheduled")
    item = _slot_items(request.case_id).select_for_update(of=("self",)).first()
    if item is None:
        raise Conflict("The case has no slot on a meeting.", code="not_scheduled")
    attendance = guest_check_in(user=user, item=item)
    return {
        "meeting": item.meeting.public_id,
        "meeting_starts_at": item.meeting.starts_at,
        "slot_starts_at": slot_starts_at(item),
        "minutes": item.minutes,
        "video_url": item.meeting.effective_video_url,
        "checked_in_at": attendance.checked_in_at,
    }


# --- Escalation ---------------------------------------------------------------------------------------------------


def second_opinions_escalate(*, now: datetime.datetime | None = None) -> int:
    """Tell the coordinators, once per request, about open requests due within SECOND_OPINION_ESCALATE_HOURS
    (or already overdue). Returns how many were escalated."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=settings.SECOND_OPINION_ESCALATE_HOURS)
    due = SecondOpinion.objects.filter(status__in=SECOND_OPINION_OPEN, due_at__lte=horizon, escalated_at__isnull=True)
    escalated = 0
    for request in due.select_related("target_institution"):
        with transaction.atomic():
            if not SecondOpinion.objects.filter(pk=request.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue  # another run took it
            overdue = request.due_at <= now
            _tell_coordinators(
                request,
                kind="second_opinion_due",
                subject="A second-opinion request is overdue" if overdue else "A second-opinion request is due soon",
                text=(
                    f"A {request.get_urgency_display().lower()} second-opinion request "
                    f"{'is past' if overdue else 'is near'} its due date ({request.due_at:%Y-%m-%d %H:%M} UTC):"
                ),
            )
            escalated += 1
    return escalated
