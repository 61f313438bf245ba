"""Reads of boards and meetings, scoped by the access policy (tumorboard.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from scheduling.models import Board, Meeting
from tumorboard.access import coordinated_institution_ids, is_admin, member_board_ids


def boards_visible_to(user) -> QuerySet[Board]:
    """Boards of the user's institution and boards they belong to."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(Q(institution_id=user.institution_id) | Q(id__in=member_board_ids(user)))


def boards_targetable_by(user) -> QuerySet[Board]:
    """Boards a user may put a case on: those of their own institution."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(institution_id=user.institution_id)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """The meetings of the boards the user belongs to; a coordinator sees every meeting of the institutions whose
    boards they coordinate (to move cases between boards), an admin every meeting."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    if is_admin(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        Q(board_id__in=member_board_ids(user)) | Q(board__institution_id__in=coordinated_institution_ids(user))
    )


def cases_waiting(cases=None):
    """Submitted or deferred cases with a board and no scheduled agenda item, urgent first, then oldest: what
    the allocation sweep places and a coordinator may add to an agenda. ``cases``: a scope (a selector's
    queryset), by default every case."""
    from cases.codes import CaseStatus
    from cases.models import Case
    from scheduling.models import AgendaItemStatus

    return (
        (Case.objects.all() if cases is None else cases)
        .filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.DEFERRED], board__isnull=False)
        .exclude(agenda_items__status=AgendaItemStatus.SCHEDULED)
        .order_by("-urgency", "submitted_at", "id")
    )


def cases_waiting_for_allocation() -> list[int]:
    """Ids of the cases waiting for a meeting (``cases_waiting``), in the order the sweep places them."""
    return list(cases_waiting().values_list("id", flat=True))
