"""A second-opinion request's own steps: asked, routed to a board, escalated when due; and who is told. Its
decisions, which move the case on an agenda, are the case's lifecycle (cases/lifecycle/second_opinions.py)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import SECOND_OPINION_OPEN, CaseStatus, DiseaseSite, SecondOpinionStatus, Urgency
from cases.locks import case_lock, cases_locked
from cases.models import Case, SecondOpinion, SecondOpinionTransition
from cases.states import SECOND_OPINION
from scheduling.agenda import meeting_with_room
from scheduling.models import Board
from specialists.access import can_request_second_opinion
from specialists.models import BoardMembership, BoardRole, InstitutionKind
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.queue import enqueue

SO = SecondOpinionStatus


def request_path(request: SecondOpinion) -> str:
    return f"/second-opinions/{request.public_id}/"


def remote_url(request: SecondOpinion) -> str:
    return f"{settings.SITE_URL}{request_path(request)}join/"


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


def request_lock(request: SecondOpinion) -> tuple[SecondOpinion, Case]:
    case = cases_locked().get(pk=request.case_id)
    request = (
        SecondOpinion.objects.select_for_update(of=("self",))
        .select_related("board", "target_institution", "requested_by", "meeting")
        .get(pk=request.pk)
    )
    request.case = case
    return request, case


def _coordinators(request: SecondOpinion) -> list:
    """Who answers the request: its board's coordinators, or every coordinator of the target institution."""
    memberships = BoardMembership.objects.filter(role=BoardRole.COORDINATOR).select_related("user")
    if request.board_id is not None:
        memberships = memberships.filter(board_id=request.board_id)
    else:
        memberships = memberships.filter(board__institution_id=request.target_institution_id)
    return [m.user for m in memberships]


def _requesters(request: SecondOpinion) -> list:
    case = request.case
    return [request.requested_by, case.created_by, case.treating_physician]


def tell_coordinators(request: SecondOpinion, *, kind: str, subject: str, text: str) -> None:
    notify(recipients=_coordinators(request), kind=kind, subject=subject, path=request_path(request), text=text)


def tell_requesters(request: SecondOpinion, *, kind: str, subject: str, text: str) -> None:
    notify(recipients=_requesters(request), kind=kind, subject=subject, path=request_path(request), text=text)


@transaction.atomic
def second_opinion_request(
    *, user, case: Case, target_institution, questions: list[str], reason: str, urgency: str
) -> SecondOpinion:
    """A hospital asks an academic institution's board about one of its draft cases. The request is
    committed first; routing runs as a task on commit."""
    case = case_lock(case)
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
    enqueue("cases.tasks.second_opinion_route", request.pk)
    return request


def _covering_boards(request: SecondOpinion, site: str) -> list:
    """The target institution's boards reviewing ``site``, the most specialised first."""
    boards = [b for b in Board.objects.filter(institution_id=request.target_institution_id) if site in b.disease_sites]
    return sorted(boards, key=lambda b: (len(b.disease_sites), b.name))


def _propose(board, due_at: datetime.datetime) -> tuple[Any, str]:
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
    request, case = request_lock(request)
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
    tell_coordinators(
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


def second_opinion_submit_check(case: Case) -> None:
    """A case waiting for the board's answer to a second opinion is submitted by the board's accept."""
    if SecondOpinion.objects.filter(case=case, status__in=[SO.REQUESTED, SO.INFO_REQUESTED]).exists():
        raise Conflict("The case awaits the board's answer to its second-opinion request.", code="second_opinion_open")


def second_opinion_open_for(case: Case) -> bool:
    return SecondOpinion.objects.filter(case=case, status__in=SECOND_OPINION_OPEN).exists()


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
            tell_coordinators(
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
