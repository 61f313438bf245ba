"""A second-opinion request's decisions (SPEC §4): accepted (the case is submitted and placed on an agenda),
declined, information asked and given, cancelled (the board gives the case back)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import CaseStatus
from cases.lifecycle.agenda import agenda_place, agenda_release_for_case
from cases.models import Case, SecondOpinion
from cases.services.second_opinions import request_lock, tell_coordinators, tell_requesters
from cases.states import CASE, SECOND_OPINION
from scheduling.attendance import guest_attendance_sync
from specialists.access import can_answer_second_opinion, is_second_opinion_requester
from tumorboard.errors import Conflict

# The actions users take on a request (POST /second-opinions/{id}/{action}/; each is SECOND_OPINION[name]) and
# which side takes each: the requesting physicians, or the coordinators who answer the request.
REQUESTER_ACTIONS = frozenset({"provide-info", "cancel"})
USER_ACTIONS = ("accept", "decline", "request-info", "provide-info", "cancel")
# An answer to a request for information carries a message, a document added since the request, or both.
EMPTY_ANSWER = "Answer with a message or add a document."


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
            case.refresh_from_db(fields=["status", "meeting"])  # the savepoint rolled back what apply had set
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
        agenda_release_for_case(case=case, by=user)
        CASE.apply(case, "withdraw", by=user, note=why, fields={"meeting": None})


def _documents_since_asked(request: SecondOpinion, case: Case) -> bool:
    """Whether a document was added to the case since the board last asked for information (on the portal's
    answer form, the documents sent with the answer are added just before it, in the same transaction)."""
    asked = request.transitions.filter(action="request-info").order_by("-at", "-id").values_list("at", flat=True)
    asked_at = asked.first()
    return asked_at is not None and case.documents.filter(created_at__gte=asked_at).exists()


def _may_take(user, request: SecondOpinion, action: str) -> bool:
    allowed = is_second_opinion_requester if action in REQUESTER_ACTIONS else can_answer_second_opinion
    return allowed(user, request)


def second_opinion_actions_open(user, request: SecondOpinion) -> set[str]:
    """The actions ``user`` may take on ``request`` now: their side's, allowed from its status, and for the
    coordinators only once it is routed (what ``second_opinion_transition`` would not refuse)."""
    return {
        action
        for action in USER_ACTIONS
        if request.status in SECOND_OPINION[action].sources
        and (action in REQUESTER_ACTIONS or request.routed_at is not None)
        and _may_take(user, request, action)
    }


@transaction.atomic
def second_opinion_transition(
    *, user, request: SecondOpinion, action_name: str, message: str = "", board=None, meeting=None
) -> tuple[SecondOpinion, bool]:
    """Apply an action of SPEC §4 to a request. Returns (request, changed); a repeat of a done action
    changes nothing. 409 when not allowed from the current status; 403 when the user sees the request but
    is not on the side that takes this action."""
    requester = action_name in REQUESTER_ACTIONS
    request, case = request_lock(request)
    who = "the requesting physicians" if requester else "the coordinators of the board it was routed to"
    if not SECOND_OPINION.guard(request, action_name, permitted=_may_take(user, request, action_name), who=who):
        return request, False
    message = message.strip()
    if action_name in {"decline", "request-info"} and not message:
        field = "reason" if action_name == "decline" else "message"
        raise ValidationError({field: ["Say why." if action_name == "decline" else "Say what is needed."]})
    if action_name == "provide-info" and not message and not _documents_since_asked(request, case):
        raise ValidationError({"message": [ValidationError(EMPTY_ANSWER, code="empty_answer")]})
    if not requester and request.routed_at is None:
        raise Conflict("The request is still being routed; try again in a moment.", code="not_routed")
    if action_name == "accept":
        _accept(user, request, case, board=board, meeting=meeting)
        return request, True
    SECOND_OPINION.apply(request, action_name, by=user, note=message)
    if action_name in {"decline", "cancel"}:
        _release(user, request, case, f"Second opinion {request.status}.")
    _after(request, action_name)
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


def _after(request: SecondOpinion, action: str) -> None:
    to_requesters, kind, subject, text = NOTICES[action]
    tell = tell_requesters if to_requesters else tell_coordinators
    tell(request, kind=kind, subject=subject, text=text)


def second_opinions_cancel_for_case(*, case: Case, by, reason: str) -> None:
    """The care team withdrew the case (case action ``withdraw``, the case locked): its open request ends."""
    for request in SecondOpinion.objects.filter(case=case, status__in=SECOND_OPINION["cancel"].sources):
        request, _ = request_lock(request)
        SECOND_OPINION.apply(request, "cancel", by=by, note=reason or "The case was withdrawn.")
        guest_attendance_sync(case=case, user=request.requested_by, meeting=None)
        _after(request, "cancel")
    if case.status == CaseStatus.DRAFT and case.board_id is not None:
        case.board = None  # the board never took the case on: it no longer sees it
        case.save(update_fields=["board", "updated_at"])
