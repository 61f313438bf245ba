"""A second-opinion request's decisions (SPEC §4): accepted (the case is submitted and placed on an agenda),
declined, information asked and given, cancelled (the board gives the case back)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import CaseStatus, SecondOpinionStatus
from cases.lifecycle.agenda import agenda_place, agenda_release_for_case
from cases.models import Case, SecondOpinion
from cases.services.second_opinions import request_lock, tell_coordinators, tell_requesters
from cases.states import CASE, SECOND_OPINION
from scheduling.attendance import guest_attendance_sync
from specialists.access import can_answer_second_opinion, is_second_opinion_requester
from tumorboard.errors import Conflict

SO = SecondOpinionStatus


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
    tell_requesters(
        request,
        kind="second_opinion_accepted",
        subject="Your second-opinion request was accepted",
        text="The tumor board accepted your second-opinion request. Its status and the meeting:",
    )


def _release(user, request: SecondOpinion, case: Case, why: str) -> None:
    """The request ends before the board reviewed the case: the board gives the case back."""
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
    request, case = request_lock(request)
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
    tell = tell_requesters if to_requesters else tell_coordinators
    tell(request, kind=kind, subject=subject, text=text)


def second_opinions_cancel_for_case(*, case: Case, by, reason: str) -> None:
    """The care team withdrew the case (case action ``withdraw``, the case locked): its open request ends."""
    for request in SecondOpinion.objects.filter(case=case, status__in=ACTIONS["cancel"].sources):
        request, _ = request_lock(request)
        SECOND_OPINION.apply(request, "cancel", by=by, note=reason or "The case was withdrawn.")
        guest_attendance_sync(case=case, user=request.requested_by, meeting=None)
        _after(request, ACTIONS["cancel"])
    if case.status == CaseStatus.DRAFT and case.board_id is not None:
        case.board = None  # the board never took the case on: it no longer sees it
        case.save(update_fields=["board", "updated_at"])
